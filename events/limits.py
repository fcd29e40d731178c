"""Limits on what one account and one organisation may create and submit (an account once
created 492 drafts in minutes). Counted in the shared cache (moisinno/ratelimit.py); DITP
moderators are not limited. Settings: EVENT_CREATE_RATE_LIMIT, EVENT_SUBMIT_RATE_LIMIT.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from moisinno.ratelimit import RateLimitExceeded, consume, parse_limits, release
from moisinno.roles import is_moderator


class EventRateLimited(Exception):
    """Too many events created or submitted: the French message says when to try again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


_WHO = {"user": "Votre compte", "organization": "Votre organisation"}


@contextlib.contextmanager
def _counted(
    action: str, spec: str, *, user: AbstractBaseUser, organization_id: int, what: str
) -> Iterator[None]:
    """Count the action wrapped, refused past the limit; one that fails is not counted."""
    if is_moderator(user):
        yield
        return
    try:
        keys = consume(
            action, parse_limits(spec), {"user": user.pk, "organization": organization_id}
        )
    except RateLimitExceeded as refusal:
        who = _WHO.get(refusal.limit.per, "Ce compte")
        raise EventRateLimited(
            f"{who} a {what} {refusal.limit.amount} événement"
            f"{'s' if refusal.limit.amount > 1 else ''} {refusal.period_phrase} : "
            f"c’est la limite, pour protéger le programme des envois en masse. "
            f"{refusal.retry_phrase}",
            retry_after=refusal.retry_after,
        ) from None
    try:
        yield
    except BaseException:
        release(keys)
        raise


def counted_creation(*, user: AbstractBaseUser, organization_id: int):
    """`with counted_creation(…):` create one draft (or copy); EventRateLimited past the limit."""
    return _counted(
        "event_create",
        settings.EVENT_CREATE_RATE_LIMIT,
        user=user,
        organization_id=organization_id,
        what="créé",
    )


def counted_submission(*, user: AbstractBaseUser, organization_id: int):
    """`with counted_submission(…):` submit (or resubmit); EventRateLimited past the limit."""
    return _counted(
        "event_submit",
        settings.EVENT_SUBMIT_RATE_LIMIT,
        user=user,
        organization_id=organization_id,
        what="soumis",
    )
