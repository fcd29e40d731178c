"""Durable emails: queued in the caller's transaction, sent by the task worker with retries."""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from .enums import EmailStatus
from .models import OutgoingEmail
from .tasks import MAX_ATTEMPTS, deliver, send_email

__all__ = ["MAX_ATTEMPTS", "deliver", "email_requeue", "queue_email"]

logger = logging.getLogger(__name__)


def queue_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
) -> OutgoingEmail | None:
    """Render `emails/<template>` (subject, text, HTML) and queue it for sending.

    Call it inside the transaction of the change that causes the email: if that change rolls
    back, so does the email. `headers` are added to the message (e.g. List-Unsubscribe);
    `attachments` are text parts (`OutgoingEmail.attachments`), e.g. a calendar invitation.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    email = OutgoingEmail.objects.create(
        to=recipients,
        subject=" ".join(subject.split()),
        body_text=render_to_string(f"emails/{template}.txt", context),
        body_html=render_to_string(f"emails/{template}.html", context),
        template=template,
        headers=dict(headers or {}),
        attachments=list(attachments or []),
    )
    send_email.enqueue(email.pk)
    return email


def email_requeue(*, email: OutgoingEmail) -> None:
    """Give an abandoned email a fresh series of attempts (admin action)."""
    with transaction.atomic():
        email.status = EmailStatus.PENDING
        email.attempts = 0
        email.save(update_fields=["status", "attempts"])
        send_email.enqueue(email.pk)
