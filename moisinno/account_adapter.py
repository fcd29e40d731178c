"""django-allauth adapter: account emails go through the durable outbox like every other email."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from .models import OutgoingEmail
from .tasks import send_email


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
