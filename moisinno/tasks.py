"""The outbox's worker side: send one queued email, and schedule a retry when it fails.

`moisinno.notifications` queues the emails and imports this module, never the reverse.
"""

import base64
import datetime
import logging
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .enums import EmailStatus
from .models import OutgoingEmail

logger = logging.getLogger("moisinno.notifications")

MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, … minutes, at most 2 hours: about 4 hours of outage before giving up."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 120))


def _attachment_part(attachment: dict) -> MIMEPart:
    """A text attachment with its content-type parameters (a calendar invitation's method),
    or a binary one given in base64 (an image)."""
    part = MIMEPart()
    if "content_base64" in attachment:
        part.set_content(
            base64.b64decode(attachment["content_base64"]),
            maintype=attachment["maintype"],
            subtype=attachment["subtype"],
            disposition="attachment",
            filename=attachment["filename"],
        )
        return part
    part.set_content(
        attachment["content"],
        subtype=attachment.get("subtype", "plain"),
        charset="utf-8",
        params=attachment.get("params") or {},
        disposition="attachment",
        filename=attachment["filename"],
    )
    return part


def deliver(email: OutgoingEmail) -> bool:
    """Try to send one queued email; on failure schedule the next attempt. True when sent."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments or []:
        message.attach(_attachment_part(attachment))
    email.attempts += 1
    # What the logs say about each attempt (never the addresses: the email's id leads to them).
    about = {"email_id": email.pk, "template": email.template, "attempt": email.attempts}
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport error must lead to a retry
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = EmailStatus.FAILED
            logger.error(
                "Email %s abandoned after %s attempts: %s",
                email.pk,
                email.attempts,
                error,
                extra={**about, "outcome": "abandoned", "error": email.last_error},
            )
        else:
            retry_in = retry_delay(email.attempts)
            logger.warning(
                "Email %s not sent (attempt %s), next attempt in %s min: %s",
                email.pk,
                email.attempts,
                int(retry_in.total_seconds() // 60),
                error,
                extra={**about, "outcome": "retry", "error": email.last_error},
            )
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
    logger.info(
        "Email %s sent (attempt %s)", email.pk, email.attempts, extra={**about, "outcome": "sent"}
    )
    return True


@task
def send_email(email_id: int) -> bool:
    email = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING).first()
    if email is None:  # already sent by an earlier run, or abandoned
        return False
    return deliver(email)
