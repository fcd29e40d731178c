"""django-allauth's social-account adapter: ProConnect's app from the settings, and no silent
link to an existing account."""

from allauth.account.utils import filter_users_by_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect

from . import PROVIDER_ID, is_enabled, linking


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider=None, client_id=None) -> list[SocialApp]:
        """ProConnect's only app, from the three PROCONNECT_* variables; none when unset."""
        if not is_enabled() or provider not in (None, PROVIDER_ID):
            return []
        if client_id not in (None, settings.PROCONNECT_CLIENT_ID):
            return []
        return [
            SocialApp(
                provider=PROVIDER_ID,
                name="ProConnect",
                client_id=settings.PROCONNECT_CLIENT_ID,
                secret=settings.PROCONNECT_CLIENT_SECRET,
                settings={"server_url": settings.PROCONNECT_SERVER_URL},
            )
        ]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A first sign-in whose address is already an account's: the person proves the account
        is theirs (password or e-mail link) before ProConnect is linked to it, never silently."""
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return  # an agent already linked, or « Associer ProConnect » from their settings
        email = sociallogin.email_addresses[0].email if sociallogin.email_addresses else ""
        users = filter_users_by_email(email) if email else []
        if users:
            linking.stash(request, sociallogin=sociallogin, user=users[0])
            raise ImmediateHttpResponse(redirect("proconnect_link"))
