"""« Relancer »: the DITP reminds an event's organisers to declare its attendance.

A stand-in until `results.attendance.attendance_remind` (the automatic requests of day 1, 3
and 10) exists: the bilan page then calls that instead.
"""

from django.db import transaction
from django.urls import reverse

from events.models import Event
from events.notifications import organizer_emails
from moisinno import roles
from moisinno.notifications import queue_email


class ChaseNotAllowed(Exception):
    pass


def attendance_chase(*, event: Event, user) -> int:
    """Queue the reminder to the event's organisers; returns the number of recipients.

    Only a moderator, and a regional relay only for an event of its regions."""
    if not roles.is_moderator(user) or not roles.covers(
        user, region=event.region, assigned_relay_id=event.assigned_relay_id
    ):
        raise ChaseNotAllowed
    recipients = organizer_emails(event)
    with transaction.atomic():
        queue_email(
            to=recipients,
            template="attendance_chase",
            context={
                "event": event,
                "dashboard_url": reverse("organizers:dashboard"),
            },
        )
    return len(recipients)
