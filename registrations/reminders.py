"""The reminders of a session to its confirmed registrants (`manage.py
send_registration_reminders`, run from cron every 10 minutes).

- **The day before**: due while the session starts in at most 24 hours and more than 2 hours,
  to each confirmed registration whose seat was obtained before that window opened (a seat
  obtained later came with its own e-mail, a few hours ago at most). A run every 10 minutes
  sends it 24 hours to 23 h 50 before the start; a session without a start time starts at
  midnight, so its reminder goes at the beginning of the day before.
- **An hour before**, for a session held online or hybrid whose connection link is set: due
  from 1 hour before its start until its end, to each confirmed registration, with the
  private connection link (`EventSession.online_url`). It is the only e-mail that carries
  that link: a seat obtained in the last hour, or a link set late, still gets it at the next
  run.

Only for a published event taking place (not « Reporté »), and never to an erased request.

Each reminder is marked on its registration (`reminded_day_before_at`,
`reminded_hour_before_at`) in the transaction that queues its e-mail, one transaction per
registration, its row taken with `select_for_update(skip_locked=True)`: a reminder is queued
once, even when the command dies mid-batch (the transaction in progress rolls back, mark and
e-mail together) or two runs overlap (the second skips the rows the first holds).
"""

import datetime
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from events.enums import EventStatus, ScheduleStatus
from moisinno.formatting import session_label
from moisinno.notifications import queue_email

from .emails import session_place
from .models import Registration, RegistrationStatus
from .tokens import absolute, manage_url

DAY_BEFORE = "day_before"
HOUR_BEFORE = "hour_before"

#: The day-before window: from 24 hours before the start, until 2 hours before it.
DAY_BEFORE_OPENS = datetime.timedelta(hours=24)
DAY_BEFORE_CLOSES = datetime.timedelta(hours=2)
#: The hour-before reminder: from 1 hour before the start until the session ends.
HOUR_BEFORE_OPENS = datetime.timedelta(hours=1)

FIELDS = {DAY_BEFORE: "reminded_day_before_at", HOUR_BEFORE: "reminded_hour_before_at"}


def is_due(registration: Registration, kind: str, now: datetime.datetime) -> bool:
    """Whether this reminder of `registration` (its session selected) is due at `now`,
    sent or not."""
    session = registration.session
    starts = session.starts_at
    if kind == DAY_BEFORE:
        return (
            starts - DAY_BEFORE_OPENS <= now < starts - DAY_BEFORE_CLOSES
            and registration.confirmed_at is not None
            and registration.confirmed_at < starts - DAY_BEFORE_OPENS
        )
    return (
        session.is_online
        and bool(session.online_url)
        and starts - HOUR_BEFORE_OPENS <= now < session.ends_at
    )


def _pending(kind: str, now: datetime.datetime):
    """The confirmed registrations whose reminder of `kind` is not sent yet, in sessions of
    the days around `now` (the exact moment is checked by `is_due`)."""
    today = timezone.localdate(now)
    days = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=2))
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            registrant__erased_at__isnull=True,
            session__event__status=EventStatus.PUBLISHED,
            session__date__range=days,
            **{f"{FIELDS[kind]}__isnull": True},
        )
        .exclude(session__event__schedule_status=ScheduleStatus.POSTPONED)
        .select_related("session")
    )


def registrations_due(kind: str, now: datetime.datetime | None = None) -> list[int]:
    """The ids of the registrations whose reminder of `kind` is due and not sent, in the
    order of their sessions."""
    now = now or timezone.now()
    due = [r for r in _pending(kind, now) if is_due(r, kind, now)]
    due.sort(key=lambda r: (r.session.starts_at, r.session_id, r.pk))
    return [r.pk for r in due]


def queue_reminder(registration: Registration, kind: str) -> None:
    """The reminder's e-mail (in the caller's transaction). The hour-before one carries the
    session's private connection link."""
    registrant = registration.registrant
    session = registration.session
    event = session.event
    hour_before = kind == HOUR_BEFORE
    queue_email(
        to=[registrant.email],
        template="registration_reminder",
        context={
            "registrant": registrant,
            "event": event,
            "event_url": absolute(event.get_absolute_url()),
            "manage_url": manage_url(registrant),
            "session_label": session_label(session),
            "place": session_place(session),
            "in_person": session.is_in_person,
            "online": session.is_online,
            "hour_before": hour_before,
            "online_url": session.online_url if hour_before else "",
            "online_note": session.online_note if hour_before else "",
        },
    )


def registration_remind(
    *, registration_id: int, kind: str, now: datetime.datetime | None = None, pause: float = 0
) -> bool:
    """Mark and queue one reminder in one transaction; False when it is not due any more,
    already sent, or being sent by another run (its row locked: skipped).

    `pause`: seconds to wait before committing (a throttle; the tests use it to stop the
    command in the middle of a transaction)."""
    now = now or timezone.now()
    field = FIELDS[kind]
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("registrant", "session__event")
            .filter(
                pk=registration_id,
                status=RegistrationStatus.CONFIRMED,
                registrant__erased_at__isnull=True,
                **{f"{field}__isnull": True},
            )
            .first()
        )
        if registration is None or not is_due(registration, kind, now):
            return False
        setattr(registration, field, now)
        registration.save(update_fields=[field])
        queue_reminder(registration, kind)
        if pause:
            time.sleep(pause)
    return True


@dataclass(frozen=True)
class ReminderRun:
    day_before: int
    hour_before: int


def reminders_send(*, now: datetime.datetime | None = None, pause: float = 0) -> ReminderRun:
    """Queue every reminder due at `now` (the hour-before ones first: they are the urgent
    ones). Safe to run twice, or twice at the same time."""
    now = now or timezone.now()
    sent = {}
    for kind in (HOUR_BEFORE, DAY_BEFORE):
        sent[kind] = sum(
            registration_remind(registration_id=pk, kind=kind, now=now, pause=pause)
            for pk in registrations_due(kind, now)
        )
    return ReminderRun(day_before=sent[DAY_BEFORE], hour_before=sent[HOUR_BEFORE])
