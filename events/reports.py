"""Visitors' reports of errors on public events, and the DITP's internal notes on events."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from moisinno.notifications import queue_email
from moisinno.roles import is_moderator

from .models import Event, EventNote, EventReport


class ReportError(Exception):
    """A report that cannot be closed as asked; the message is shown to the moderator."""


def report_create(*, event: Event, kind: str, message: str, email: str = "") -> EventReport:
    """A visitor reports an error on a public event: it enters the moderation queue."""
    if not event.is_public:
        raise PermissionDenied
    return EventReport.objects.create(
        event=event, kind=kind, message=message.strip(), email=email.strip()
    )


def report_close(*, report: EventReport, user: AbstractBaseUser, reply: str = "") -> EventReport:
    """Close a report; with `reply`, the visitor who left an address receives it by e-mail."""
    if not is_moderator(user):
        raise PermissionDenied
    reply = (reply or "").strip()
    with transaction.atomic():
        locked = EventReport.objects.select_for_update().select_related("event").get(pk=report.pk)
        if not locked.is_open:
            raise ReportError("Ce signalement est déjà clos.")
        if reply and not locked.email:
            raise ReportError(
                "Le visiteur n’a pas laissé d’adresse électronique : la réponse ne peut pas "
                "lui être envoyée. Gardez-la plutôt en note interne."
            )
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.reply = reply
        locked.save(update_fields=["closed_at", "closed_by", "reply"])
        if reply:
            queue_email(
                to=[locked.email],
                template="event_report_reply",
                context={"report": locked, "event": locked.event, "reply": reply},
            )
    return locked


def note_add(*, event: Event, user: AbstractBaseUser, text: str) -> EventNote:
    if not is_moderator(user):
        raise PermissionDenied
    return EventNote.objects.create(event=event, author=user, text=text.strip())
