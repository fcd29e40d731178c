"""ProConnect's sign-in views: the redirect, the callback, the return from ProConnect's logout.

The callback is allauth's OAuth2 callback (state looked up and consumed once, then the token,
then `complete_login`); what it hands to allauth is verified by `oidc.identity` first, so a
refused answer creates nothing. A refusal renders `socialaccount/authentication_error.html`
with the `ProConnectError`'s French message.
"""

import logging

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import PROVIDER_ID, is_enabled, oidc

logger = logging.getLogger(__name__)

#: The key of `SocialLogin.state` that carries this sign-in's id_token and `amr` to the end of
#: the login (moisinno.account_adapter: the session keeps the id_token for the logout, the MFA
#: stage reads `amr`). Never stored in the database.
STATE_KEY = "proconnect"


class ProConnectOAuth2Adapter(OAuth2Adapter):
    provider_id = PROVIDER_ID
    login_cancelled_error = "access_denied"
    #: Set by the callback view: the state it consumed (this sign-in's nonce). The same dict
    #: becomes the SocialLogin's state, so what the end of the login needs is added to it.
    state: dict | None = None

    @property
    def authorize_url(self) -> str:
        return oidc.configuration()["authorization_endpoint"]

    @property
    def access_token_url(self) -> str:
        return oidc.configuration()["token_endpoint"]

    def get_access_token_data(self, request: HttpRequest, app, client, pkce_code_verifier=None):
        self.did_fetch_access_token = True
        return oidc.exchange_code(
            code=request.GET.get("code", ""), redirect_uri=self.get_callback_url(request, app)
        )

    def parse_token(self, data: dict) -> SocialToken:
        return SocialToken(token=data["access_token"])  # never stored (SOCIALACCOUNT_STORE_TOKENS)

    def complete_login(self, request: HttpRequest, app, token, **kwargs) -> SocialLogin:
        state = self.state if self.state is not None else {}
        identity = oidc.identity(tokens=kwargs["response"], expected_nonce=state.get("nonce", ""))
        if not identity.claims.get("email"):
            raise oidc.ProConnectError(oidc.NO_EMAIL, "userinfo: no email")
        state[STATE_KEY] = {"id_token": identity.id_token, "amr": identity.amr}
        data = {**identity.claims, "acr": identity.acr, "amr": identity.amr}
        return self.get_provider().sociallogin_from_response(request, data)


class ProConnectCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider):
        state, response = super()._get_state(request, provider)
        if state is None:
            # No state of ours under this id: forged, replayed, or more than 10 minutes old.
            logger.info("ProConnect callback with an unknown or used state")
            error = oidc.ProConnectError(oidc.EXPIRED, "callback: unknown or used state")
            return None, render_authentication_error(request, provider, exception=error)
        self.adapter.state = state
        return state, response


def enabled_or_404(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_enabled():
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as error:
            raise Http404 from error

    return wrapped


login = enabled_or_404(OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter))
callback = enabled_or_404(ProConnectCallbackView.adapter_view(ProConnectOAuth2Adapter))


@require_GET
def logout_return(request: HttpRequest) -> HttpResponse:
    """ProConnect's `post_logout_redirect_uri`: the person is logged out of both."""
    messages.success(request, "Vous êtes déconnecté du site et de ProConnect.")
    return redirect(reverse("home"))
