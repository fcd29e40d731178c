"""Which emails a status change sends, and to whom. Called by the transition service only."""

from django.urls import reverse
from django.utils import timezone

from moisinno.formatting import french_date, french_time
from moisinno.notifications import queue_email
from moisinno.roles import moderator_emails
from organizers.enums import MembershipStatus

from . import states
from .enums import Actor
from .models import Event, ModerationLogEntry
from .workflow import Transition


def organizer_emails(event: Event) -> list[str]:
    members = event.organization.memberships.filter(
        status=MembershipStatus.ACTIVE, user__is_active=True
    ).select_related("user")
    return [m.user.email for m in members if m.user.email]


def notify_event_transition(*, event: Event, entry: ModerationLogEntry, step: Transition) -> None:
    opening = ""
    if event.edition.publication_at is not None:
        moment = timezone.localtime(event.edition.publication_at)
        opening = f"{french_date(moment.date())} à {french_time(moment.time())}"
    context = {
        "event": event,
        "entry": entry,
        "subject": step.email_subject.format(title=event.title, opening=opening),
        "notice": step.email_notice.format(title=event.title, opening=opening),
        "dashboard_url": "/espace-organisateur/",
        "admin_url": reverse("admin:events_event_change", args=[event.pk]),
    }
    if step.checks_eligibility:
        queue_email(to=[entry.actor.email], template="event_submitted_ack", context=context)
        queue_email(
            to=moderator_emails(region=event.region, assigned_relay_id=event.assigned_relay_id),
            template="event_submitted_alert",
            context=context,
        )
    elif entry.actor_role in {Actor.MODERATOR, Actor.SYSTEM} and step.email_notice:
        queue_email(to=organizer_emails(event), template="event_decision", context=context)
    elif states.is_cancelled(event):
        queue_email(
            to=moderator_emails(region=event.region, assigned_relay_id=event.assigned_relay_id),
            template="event_cancelled_alert",
            context=context,
        )


def notify_ditp_edit(*, event: Event, entry: ModerationLogEntry) -> None:
    """The DITP changed the organisers' event: tell them what, field by field."""
    queue_email(
        to=organizer_emails(event),
        template="event_edited_by_ditp",
        context={"event": event, "entry": entry, "dashboard_url": "/espace-organisateur/"},
    )


def notify_schedule_change(*, event: Event, entry: ModerationLogEntry) -> None:
    """« Reporté », « Complet »…: the DITP hears of its organisers' change, the organisers of
    the DITP's (as with a cancellation)."""
    context = {
        "event": event,
        "entry": entry,
        "state": event.get_schedule_status_display(),
        "dashboard_url": "/espace-organisateur/",
        "admin_url": reverse("admin:events_event_change", args=[event.pk]),
    }
    if entry.actor_role == Actor.MODERATOR:
        queue_email(to=organizer_emails(event), template="event_schedule_changed", context=context)
    else:
        queue_email(
            to=moderator_emails(region=event.region, assigned_relay_id=event.assigned_relay_id),
            template="event_schedule_changed_alert",
            context=context,
        )
