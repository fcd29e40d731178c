"""A first sign-in with ProConnect whose address already has a Moisinno account.

ProConnect is linked to that account only once the person proves it is theirs: its password,
or a link e-mailed to the address and opened in the same browser. Until then the ProConnect
sign-in waits in the session (15 minutes), nothing is written and nobody is logged in.
"""

import secrets
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from allauth.socialaccount.internal.flows.login import record_authentication
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from moisinno.forms import error_summary
from moisinno.notifications import queue_email

SESSION_KEY = "proconnect_pending_link"
MAX_AGE = 15 * 60
SALT = "moisinno.proconnect.link"
EXPIRED = (
    "Cette demande d’association a expiré : recommencez la connexion avec ProConnect "
    "(elle reste valable 15 minutes, dans le navigateur où vous l’avez commencée)."
)


def stash(request: HttpRequest, *, sociallogin: SocialLogin, user) -> None:
    request.session[SESSION_KEY] = {
        "sociallogin": sociallogin.serialize(),
        "user": user.pk,
        "at": time.time(),
        "nonce": secrets.token_urlsafe(16),
    }


def _pending(request: HttpRequest) -> tuple[SocialLogin, object, dict] | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > MAX_AGE:
        request.session.pop(SESSION_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None:
        return None
    return SocialLogin.deserialize(data["sociallogin"]), user, data


def _complete(request: HttpRequest, sociallogin: SocialLogin, user) -> HttpResponse:
    """Link ProConnect to `user` (who proved the account is theirs), then log them in."""
    request.session.pop(SESSION_KEY, None)
    with transaction.atomic():
        sociallogin.connect(request, user)
        # ProConnect vouches for the address, and the person just proved it is theirs.
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    messages.success(
        request,
        "ProConnect est associé à votre compte : vous pourrez désormais vous connecter avec "
        "ProConnect ou avec votre mot de passe.",
    )
    record_authentication(request, sociallogin)
    return perform_login(
        request,
        user,
        email_verification=account_settings.EMAIL_VERIFICATION,
        redirect_url=sociallogin.get_redirect_url(request),
        signal_kwargs={"sociallogin": sociallogin},
    )


class PasswordProofForm(DsfrBaseForm):
    password = forms.CharField(
        label="Mot de passe de votre compte", strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, request: HttpRequest, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.user = request, user
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        adapter = get_account_adapter(self.request)
        try:
            user = adapter.authenticate(self.request, email=self.user.email, password=password)
        except forms.ValidationError as error:  # too many attempts (RATE_LIMIT_LOGIN_FAILED)
            raise forms.ValidationError(
                "Trop de tentatives : réessayez dans quelques minutes, ou recevez un lien par "
                "courriel."
            ) from error
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError("Ce mot de passe n’est pas celui de ce compte.")
        return password


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        messages.error(request, EXPIRED)
        return redirect("account_login")
    sociallogin, user, data = pending
    form = PasswordProofForm(
        request.POST if request.POST.get("proof") == "password" else None,
        request=request,
        user=user,
    )
    if request.method == "POST" and request.POST.get("proof") == "email":
        token = signing.dumps({"u": user.pk, "n": data["nonce"]}, salt=SALT)
        url = request.build_absolute_uri(reverse("proconnect_link_email", args=[token]))
        with transaction.atomic():
            queue_email(to=[user.email], template="proconnect_link", context={"url": url})
        messages.success(
            request,
            f"Un courriel vient d’être envoyé à {user.email} : ouvrez le lien qu’il contient "
            "dans ce navigateur, dans les 15 minutes, pour associer ProConnect à votre compte.",
        )
        return redirect("proconnect_link")
    if request.method == "POST" and form.is_valid():
        return _complete(request, sociallogin, user)
    return render(
        request,
        "proconnect/link.html",
        {
            "title": ("Erreur : " if form.errors else "")
            + "Associer ProConnect à votre compte existant",
            "email": user.email,
            "has_password": user.has_usable_password(),
            "form": form,
            "errors": error_summary(form),
        },
    )


@require_http_methods(["GET", "POST"])
def link_email(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a page with a button (a mail scanner's GET changes nothing)."""
    pending = _pending(request)
    try:
        signed = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        signed = None
    if pending is None or signed is None:
        messages.error(request, EXPIRED)
        return redirect("account_login")
    sociallogin, user, data = pending
    if signed.get("u") != user.pk or signed.get("n") != data["nonce"]:
        messages.error(request, EXPIRED)
        return redirect("account_login")
    if request.method == "POST":
        return _complete(request, sociallogin, user)
    return render(
        request,
        "proconnect/link_email.html",
        {"title": "Associer ProConnect à votre compte existant", "email": user.email},
    )
