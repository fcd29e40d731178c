"""Which emails a status change sends, and to whom. Called by the transition service only."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from moisinno.notifications import queue_email
from organizers.enums import MembershipStatus

from .enums import Actor, EventStatus
from .models import Event, ModerationLogEntry

MODERATOR_GROUP = "Modérateur DITP"


def moderator_emails() -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=MODERATOR_GROUP
    )
    return list(users.exclude(email="").values_list("email", flat=True))


def organizer_emails(event: Event) -> list[str]:
    members = event.organization.memberships.filter(
        status=MembershipStatus.ACTIVE, user__is_active=True
    ).select_related("user")
    return [m.user.email for m in members if m.user.email]


def notify_event_transition(*, event: Event, entry: ModerationLogEntry) -> None:
    context = {
        "event": event,
        "entry": entry,
        "dashboard_url": "/espace-organisateur/",
        "admin_url": reverse("admin:events_event_change", args=[event.pk]),
    }
    to_status = entry.to_status
    if to_status == EventStatus.SUBMITTED:
        queue_email(to=[entry.actor.email], template="event_submitted_ack", context=context)
        queue_email(to=moderator_emails(), template="event_submitted_alert", context=context)
    elif entry.actor_role == Actor.MODERATOR and to_status in {
        EventStatus.PUBLISHED,
        EventStatus.CHANGES_REQUESTED,
        EventStatus.REJECTED,
        EventStatus.CANCELLED,
    }:
        queue_email(to=organizer_emails(event), template="event_decision", context=context)
    elif to_status == EventStatus.CANCELLED:
        queue_email(to=moderator_emails(), template="event_cancelled_alert", context=context)
