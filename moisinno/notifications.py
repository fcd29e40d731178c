"""Durable emails: queued in the caller's transaction, sent by the task worker with retries."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import EmailStatus
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, … minutes, at most 2 hours: about 4 hours of outage before giving up."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 120))


def queue_email(*, to: list[str], template: str, context: dict) -> OutgoingEmail | None:
    """Render `emails/<template>` (subject, text, HTML) and queue it for sending.

    Call it inside the transaction of the change that causes the email: if that change rolls
    back, so does the email.
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
    )
    from .tasks import send_email

    send_email.enqueue(email.pk)
    return email


def deliver(email: OutgoingEmail) -> bool:
    """Try to send one queued email; on failure schedule the next attempt. True when sent."""
    from .tasks import send_email

    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    email.attempts += 1
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport error must lead to a retry
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = EmailStatus.FAILED
            logger.error(
                "Email %s abandoned after %s attempts: %s", email.pk, email.attempts, error
            )
        else:
            logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, error)
        with transaction.atomic():
            email.save(update_fields=["attempts", "last_error", "status"])
            if email.status == EmailStatus.PENDING:
                send_email.using(run_after=timezone.now() + retry_delay(email.attempts)).enqueue(
                    email.pk
                )
        return False
    email.status = EmailStatus.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return True


def email_requeue(*, email: OutgoingEmail) -> None:
    """Give an abandoned email a fresh series of attempts (admin action)."""
    from .tasks import send_email

    with transaction.atomic():
        email.status = EmailStatus.PENDING
        email.attempts = 0
        email.save(update_fields=["status", "attempts"])
        send_email.enqueue(email.pk)
