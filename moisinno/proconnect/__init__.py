"""ProConnect, the State's identity federation for public agents (OpenID Connect).

A small django-allauth provider of our own (`provider.py`, `views.py`): allauth keeps the
accounts, e-mail addresses, MFA and rate limits; this package adds what ProConnect requires and
allauth's generic `openid_connect` provider does not do (`oidc.py`): a nonce checked against the
id_token, a `state` of 32 characters or more, signatures always verified against the provider's
keys, a userinfo answered as a signed JWT, `acr` / `amr` kept, logout through ProConnect with
`id_token_hint`. Off, and invisible, unless PROCONNECT_SERVER_URL, PROCONNECT_CLIENT_ID and
PROCONNECT_CLIENT_SECRET are all set (docs/configuration.md, « ProConnect »).
"""

from django.conf import settings

PROVIDER_ID = "proconnect"


def is_enabled() -> bool:
    """Whether ProConnect is configured (read at each call: the tests change the settings)."""
    return bool(
        settings.PROCONNECT_SERVER_URL
        and settings.PROCONNECT_CLIENT_ID
        and settings.PROCONNECT_CLIENT_SECRET
    )
