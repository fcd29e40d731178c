"""Signed links that carry a row's id and work without an account (alerts, registrations):
reading one back, and the two ways it fails."""

from django.core import signing


class InvalidLink(Exception):
    """A tampered or unknown signed link."""


class ExpiredLink(Exception):
    """A link too old, or whose row was deleted or erased since."""


def signed_id(token: str, signer: signing.Signer, **kwargs) -> int:
    """The id `signer` signed into `token`; `kwargs` go to `unsign` (a TimestampSigner's
    `max_age`)."""
    try:
        value = signer.unsign(token, **kwargs)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    try:
        return int(value)
    except ValueError as error:  # signed by us, so never, but never a 500 either
        raise InvalidLink from error
