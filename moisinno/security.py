"""Security middleware: the `Permissions-Policy` header, and two-factor authentication required
of superusers before they reach the admin (`STAFF_REQUIRE_2FA`).

Staff log in through allauth's login (`moisinno/urls.py` wraps the admin's login view), so they
get its rate limits and, once TOTP is active, its second step. See docs/configuration.md,
« Staff accounts ».
"""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .proconnect import session as proconnect_session

TWO_FACTOR_REQUIRED_MESSAGE = (
    "Pour accéder au back-office DITP, un compte administrateur doit activer la double "
    "authentification. Scannez le QR code avec votre application d’authentification "
    "(FreeOTP, Aegis, Google Authenticator…), saisissez le code à 6 chiffres, puis conservez "
    "vos codes de secours."
)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` (settings.PERMISSIONS_POLICY) on every response.

    It sits next to SecurityMiddleware, outside the page cache, so cached pages carry it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def requires_second_factor(user) -> bool:
    """Whether `user` must activate TOTP before reaching the admin."""
    return bool(
        settings.STAFF_REQUIRE_2FA
        and user.is_authenticated
        and user.is_superuser
        and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
    )


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA, a superuser without TOTP is sent from the admin to TOTP set-up.

    Only the admin is closed to them: they may still log out, set up TOTP and use the rest of
    the site. Logging out of the admin stays possible.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_REQUIRE_2FA:
            admin_prefix = reverse("admin:index")
            if (
                request.path.startswith(admin_prefix)
                and request.path != reverse("admin:logout")
                and requires_second_factor(request.user)
                and not proconnect_session.used_mfa(request)
            ):
                messages.warning(request, TWO_FACTOR_REQUIRED_MESSAGE)
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
