"""The requests for attendance (`manage.py send_attendance_requests`, cron hourly).

The day after an event's last session, its organisation's active members are asked to
declare who came; reminders follow on day 3 and day 10 while it is not declared, then
nothing. Each e-mail is due from 9 h (Paris) on its day, and marked on the event's
`EventOutcome` (`requested_at`, `reminded_day3_at`, `reminded_day10_at`) in the transaction
that queues it, the row locked: sent once, even when runs overlap or one dies midway. A
run sends at most one e-mail per event (a request late by three days is not followed by its
first reminder in the same minute). Nothing is asked of an event that is not published, of
an event already declared, nor once the edition's bilan is closed.

`attendance_remind` is the DITP's « one click sends the reminder » (the back-office bilan).
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import Event
from moisinno.notifications import queue_email
from organizers.selectors import active_member_emails

from .attendance import AttendanceError, attendance_closed_message
from .models import EventOutcome

REQUEST = "requested_at"
DAY3 = "reminded_day3_at"
DAY10 = "reminded_day10_at"
#: Each step, the day after the last session it is due (from SEND_HOUR, Paris time).
STEPS = ((REQUEST, 1), (DAY3, 3), (DAY10, 10))
SEND_HOUR = datetime.time(9)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ALREADY_DECLARED_MESSAGE = "La participation à cet événement est déjà déclarée."


@dataclass
class RequestRun:
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(dict(STEPS), 0))


def due_at(ended_at: datetime.datetime, days: int) -> datetime.datetime:
    day = timezone.localtime(ended_at, PARIS).date() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, SEND_HOUR), PARIS)


def next_step(outcome: EventOutcome, ended_at: datetime.datetime, now) -> str | None:
    """The e-mail due now: the request first, then each reminder once the previous one is
    sent; None when nothing is due."""
    for step, days in STEPS:
        if getattr(outcome, step) is None:
            return step if now >= due_at(ended_at, days) else None
    return None


def queue_attendance_request(event: Event, *, reminder: bool) -> None:
    """The request (or a reminder) to the organisation's active members, in the caller's
    transaction."""
    queue_email(
        to=active_member_emails(organization=event.organization),
        template="attendance_request",
        context={
            "event": event,
            "organization": event.organization,
            "reminder": reminder,
            "closes_at": event.edition.bilan_closed_at,
            "attendance_url": reverse("organizers:event_attendance", args=[event.pk]),
        },
    )


def _candidates(now: datetime.datetime) -> list[int]:
    today = timezone.localdate(now)
    return list(
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            ends_on__range=(today - datetime.timedelta(days=11), today),
        )
        .filter(Q(outcome__isnull=True) | Q(outcome__declared_at__isnull=True))
        .filter(Q(outcome__isnull=True) | Q(outcome__reminded_day10_at__isnull=True))
        .filter(Q(edition__bilan_closed_at__isnull=True) | Q(edition__bilan_closed_at__gt=now))
        .order_by("ends_on", "pk")
        .values_list("pk", flat=True)
    )


def attendance_request_send(*, event_id: int, now: datetime.datetime) -> str | None:
    """Queue and mark the e-mail due for one event, in one transaction; the step sent, or
    None."""
    with transaction.atomic():
        event = (
            Event.objects.select_related("edition", "organization")
            .prefetch_related("sessions")
            .get(pk=event_id)
        )
        if attendance_closed_message(event, now):
            return None
        EventOutcome.objects.get_or_create(event=event)
        outcome = EventOutcome.objects.select_for_update().get(event=event)
        if outcome.declared_at is not None:
            return None
        step = next_step(outcome, event.ended_at, now)
        if step is None:
            return None
        setattr(outcome, step, now)
        outcome.save(update_fields=[step])
        queue_attendance_request(event, reminder=step != REQUEST)
        return step


def attendance_requests_send(now: datetime.datetime | None = None) -> RequestRun:
    now = now or timezone.now()
    run = RequestRun()
    for event_id in _candidates(now):
        step = attendance_request_send(event_id=event_id, now=now)
        if step:
            run.sent[step] += 1
    return run


@transaction.atomic
def attendance_remind(event: Event, now: datetime.datetime | None = None) -> EventOutcome:
    """« Relancer »: queue the reminder now, whatever the calendar, and mark it (the first
    step not sent yet; the day-10 one is overwritten once all are). Raises `AttendanceError`
    when nothing may be asked."""
    now = now or timezone.now()
    event = (
        Event.objects.select_related("edition", "organization")
        .prefetch_related("sessions")
        .get(pk=event.pk)
    )
    closed = attendance_closed_message(event, now)
    if closed:
        raise AttendanceError(closed)
    EventOutcome.objects.get_or_create(event=event)
    outcome = EventOutcome.objects.select_for_update().get(event=event)
    if outcome.declared_at is not None:
        raise AttendanceError(ALREADY_DECLARED_MESSAGE)
    step = next((s for s, _ in STEPS if getattr(outcome, s) is None), DAY10)
    setattr(outcome, step, now)
    outcome.save(update_fields=[step])
    queue_attendance_request(event, reminder=step != REQUEST)
    return outcome
