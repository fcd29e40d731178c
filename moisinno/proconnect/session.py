"""What a ProConnect sign-in leaves in the session once the login is complete: its id_token
(the `id_token_hint` of the logout) and whether two factors were used (the admin's
STAFF_REQUIRE_2FA then holds as met). Cleared by any other login, and by logout."""

from django.http import HttpRequest

from .stages import sociallogin_used_mfa
from .views import STATE_KEY

ID_TOKEN_KEY = "proconnect_id_token"  # noqa: S105 - a session key, not a secret
MFA_KEY = "proconnect_mfa"


def record_login(request: HttpRequest, sociallogin) -> None:
    request.session.pop(ID_TOKEN_KEY, None)
    request.session.pop(MFA_KEY, None)
    if sociallogin is None or isinstance(sociallogin, dict):
        return
    proconnect = (sociallogin.state or {}).get(STATE_KEY)
    if sociallogin.account.provider != "proconnect" or not proconnect:
        return
    request.session[ID_TOKEN_KEY] = proconnect["id_token"]
    request.session[MFA_KEY] = sociallogin_used_mfa(sociallogin)


def id_token(request: HttpRequest) -> str:
    return request.session.get(ID_TOKEN_KEY, "") if hasattr(request, "session") else ""


def used_mfa(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", {}).get(MFA_KEY))
