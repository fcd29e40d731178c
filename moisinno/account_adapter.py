"""django-allauth adapter: account emails go through the durable outbox like every other email;
a ProConnect sign-in keeps its id_token for the logout, which goes through ProConnect too."""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from .models import OutgoingEmail
from .proconnect import oidc, session
from .tasks import send_email

MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email as usual, then queue it instead of sending it right away.

        An SMTP outage during a sign-up or a password reset must not lose the link: the task
        worker sends the email, with the same retries as every other email.
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        if message.content_subtype == "html":  # only an HTML template exists
            body_text, body_html = "", message.body
        else:
            body_text = message.body
            body_html = next(
                (content for content, mimetype in getattr(message, "alternatives", [])), ""
            )
        with transaction.atomic():
            queued = OutgoingEmail.objects.create(
                to=list(message.to),
                subject=message.subject,
                body_text=body_text,
                body_html=body_html,
                template=template_prefix,
            )
            send_email.enqueue(queued.pk)

    def get_login_stages(self) -> list[str]:
        # allauth's TOTP step, skipped after a ProConnect sign-in made with two factors.
        return [
            "moisinno.proconnect.stages.ProConnectAwareAuthenticateStage"
            if stage == MFA_STAGE
            else stage
            for stage in super().get_login_stages()
        ]

    def post_login(self, request: HttpRequest, user, **kwargs):
        session.record_login(request, (kwargs.get("signal_kwargs") or {}).get("sociallogin"))
        return super().post_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """After a ProConnect sign-in, the logout goes on at ProConnect (RP-initiated logout,
        `id_token_hint`), which sends the browser back to `proconnect_logout_return`. allauth
        asks this before logging out, while the session still holds the id_token."""
        id_token = session.id_token(request)
        if id_token and request.user.is_authenticated:
            url = oidc.end_session_url(
                id_token=id_token,
                state=secrets.token_urlsafe(32),
                post_logout_redirect_uri=request.build_absolute_uri(
                    reverse("proconnect_logout_return")
                ),
            )
            if url:
                return url
        return super().get_logout_redirect_url(request)
