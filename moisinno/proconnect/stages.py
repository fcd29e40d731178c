"""allauth's two-factor login stage, skipped when ProConnect's identity provider did two
factors (`amr` contains « mfa »): Moisinno's TOTP code is not asked a second time."""

from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from . import PROVIDER_ID
from .views import STATE_KEY


def sociallogin_used_mfa(sociallogin) -> bool:
    """Whether this login is a ProConnect sign-in verified with two factors."""
    if isinstance(sociallogin, dict):  # a login resumed from the session
        sociallogin = SocialLogin.deserialize(sociallogin)
    if not isinstance(sociallogin, SocialLogin) or sociallogin.account.provider != PROVIDER_ID:
        return False
    amr = (sociallogin.state or {}).get(STATE_KEY, {}).get("amr") or []
    return "mfa" in amr


class ProConnectAwareAuthenticateStage(AuthenticateStage):
    def _should_handle(self, request: HttpRequest) -> bool:
        if sociallogin_used_mfa((self.login.signal_kwargs or {}).get("sociallogin")):
            return False
        return super()._should_handle(request)
