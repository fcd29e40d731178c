"""The ProConnect provider for django-allauth (found by allauth's registry in this app)."""

import secrets
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import PROVIDER_ID, oidc
from .views import ProConnectOAuth2Adapter

#: What Moisinno keeps of an agent's ProConnect identity on the linked account (its
#: `extra_data`), beyond the account's own e-mail address and name: the SIRET of their
#: administration (to offer them its organisation), and how they last authenticated.
KEPT_CLAIMS = ("siret", "acr", "amr")


class ProConnectAccount(ProviderAccount):
    def to_str(self) -> str:
        return "ProConnect"


class ProConnectProvider(OAuth2Provider):
    id = PROVIDER_ID
    name = "ProConnect"
    account_class = ProConnectAccount
    oauth2_adapter_class = ProConnectOAuth2Adapter
    supports_token_authentication = False

    # ProConnect refuses any parameter outside its documented list (error Y000400): no PKCE,
    # nothing taken from the query string.
    def get_pkce_params(self) -> dict:
        return {}

    def get_default_scope(self) -> list[str]:
        return list(oidc.SCOPES)

    def get_scope_from_request(self, request: HttpRequest) -> list[str]:
        return list(oidc.SCOPES)

    def get_auth_params_from_request(self, request: HttpRequest, action) -> dict:
        return {}

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        if next_url and not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = None
        nonce = secrets.token_urlsafe(32)  # 43 characters: ProConnect asks for 32 at least
        state_id = self.stash_redirect_state(
            request, process, next_url, data, state_id=secrets.token_urlsafe(32), nonce=nonce
        )
        try:
            endpoint = oidc.configuration()["authorization_endpoint"]
        except oidc.ProConnectError as error:
            return render_authentication_error(request, self, exception=error)
        params = {
            "response_type": "code",
            "client_id": settings.PROCONNECT_CLIENT_ID,
            "redirect_uri": ProConnectOAuth2Adapter(request).get_callback_url(request, self.app),
            "scope": " ".join(oidc.SCOPES),
            "state": state_id,
            "nonce": nonce,
            "claims": oidc.CLAIMS,
        }
        return HttpResponseRedirect(f"{endpoint}?{urlencode(params)}")

    def get_callback_url(self) -> str:
        return reverse("proconnect_callback")

    def extract_uid(self, data: dict) -> str:
        return str(data["sub"])

    def extract_common_fields(self, data: dict) -> dict:
        return {
            "email": data.get("email"),
            "first_name": data.get("given_name") or "",
            "last_name": data.get("usual_name") or "",
        }

    def extract_email_addresses(self, data: dict) -> list[EmailAddress]:
        # ProConnect's identity providers vouch for the address: it arrives verified.
        email = data.get("email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []

    def extract_extra_data(self, data: dict) -> dict:
        return {name: data[name] for name in KEPT_CLAIMS if data.get(name)}


provider_classes = [ProConnectProvider]
