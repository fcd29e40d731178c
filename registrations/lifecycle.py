"""What happens to registrations when their event changes after they were made, and how long
the e-mails about them are kept.

- **An update**: a session with registrants changes date, times, place or mode (an
  organiser's edit, « Reprogrammé »), or its event is « Passé en ligne » or « Reporté » (or
  taken back from those states). Each confirmed registrant gets the invitation again,
  `METHOD:REQUEST` with `SEQUENCE+1` (`Registration.ics_sequence`), so that their calendar
  moves the same entry (same UID); each person waiting gets the news without invitation.
  A reminder already sent goes again for the new date or the new link.
- **A cancellation**: the event is cancelled (the workflow's « Annulé ») or a session is
  deleted. Each registrant, confirmed or waiting, is told, with `METHOD:CANCEL` when they
  held a seat; the event's registrations are cancelled (a deleted session's rows go with it).
- **Retention of the outbox**: a sent e-mail holds its recipients' addresses; it is deleted
  `REGISTRATION_RETENTION_DAYS` after it was written (`outbox_purge`).

The events app knows nothing of registrations: registrations/receivers.py calls these
functions from the signals of the change, in its transaction, so that the e-mails are queued
(`moisinno.notifications.queue_email`) only if the change is committed.
"""

import datetime
from collections import defaultdict
from types import SimpleNamespace

import icalendar
from django.db import transaction
from django.utils import timezone

from events import states
from events.enums import AttendanceMode, ScheduleStatus
from events.models import Event, EventSession
from moisinno.enums import EmailStatus
from moisinno.formatting import session_label
from moisinno.models import OutgoingEmail
from moisinno.notifications import queue_email

from . import ics, services
from .emails import session_place, waiting_position
from .models import Registrant, Registration, RegistrationStatus
from .tokens import absolute, manage_url

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)

#: The session fields whose change registrants are told of, and the link, sent again.
SESSION_WHEN = ("date", "start_time", "end_time")
SESSION_WHERE = ("venue_name", "address", "postal_code", "city")
SESSION_WATCHED = (*SESSION_WHEN, "attendance_mode", *SESSION_WHERE, "online_url")
#: The event states that change how it takes place for those registered.
EVENT_STATES_TOLD = (ScheduleStatus.MOVED_ONLINE, ScheduleStatus.POSTPONED)

MODE_SENTENCES = {
    AttendanceMode.IN_PERSON: "La séance a désormais lieu sur place.",
    AttendanceMode.ONLINE: (
        "La séance a désormais lieu en ligne : le lien de connexion vous sera envoyé par "
        "courriel une heure avant le début."
    ),
    AttendanceMode.HYBRID: (
        "La séance a désormais lieu sur place et en ligne : le lien de connexion vous sera "
        "envoyé par courriel une heure avant le début."
    ),
}


# The calendar invitation ----------------------------------------------------------------


def invitation(registration: Registration, *, method: str = ics.REQUEST) -> dict:
    """The invitation attachment (`registrations.ics`), saying how the event takes place
    now: « Reporté » is tentative, « Passé en ligne » is held online."""
    attachment = ics.attachment(registration, method=method)
    event = registration.session.event
    if method != ics.REQUEST or event.schedule_status not in EVENT_STATES_TOLD:
        return attachment
    state = states.public_status(event)
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    for entry in calendar.walk("VEVENT"):
        entry.pop("SUMMARY")
        entry.add("summary", f"{state.ical_prefix}\u00a0: {event.title}")
        entry.pop("STATUS")
        entry.add("status", state.ical)
        if event.schedule_status == ScheduleStatus.MOVED_ONLINE:
            entry.pop("LOCATION", None)
            entry.add("location", "En ligne")
    attachment["content"] = calendar.to_ical().decode()
    return attachment


# Updates --------------------------------------------------------------------------------


def session_snapshot(session: EventSession) -> dict:
    return {name: getattr(session, name) for name in SESSION_WATCHED}


def session_changes(before: dict, session: EventSession) -> list[str]:
    """What changed for those registered, one French sentence each."""
    changes = []
    if any(before[name] != getattr(session, name) for name in SESSION_WHEN):
        old = SimpleNamespace(**{name: before[name] for name in SESSION_WHEN})
        changes.append(
            f"Nouvelle date : {session_label(session)} (au lieu du {session_label(old)})."
        )
    if before["attendance_mode"] != session.attendance_mode:
        changes.append(MODE_SENTENCES[session.attendance_mode])
    if session.is_in_person and any(
        before[name] != getattr(session, name) for name in SESSION_WHERE
    ):
        changes.append(f"Nouveau lieu : {session.place_label or 'à préciser'}.")
    return changes


def _locked_registrations(*related: str, **filters) -> list[Registration]:
    """The registrations matching `filters`, locked, their registrant (and `related`)
    selected."""
    return list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("registrant", *related)
        .filter(**filters)
        .order_by("registrant_id", "session__date", "session__start_time", "pk")
    )


def session_changed(
    *, session: EventSession, before: dict, now: datetime.datetime | None = None
) -> int:
    """`session` (saved) was `before` (`session_snapshot`): tell its registrants what changed,
    with the invitation updated for those holding a seat. Returns how many were told."""
    now = now or timezone.now()
    changes = session_changes(before, session)
    moved = any(before[name] != getattr(session, name) for name in SESSION_WHEN)
    new_link = before["online_url"] != session.online_url
    if not changes and not new_link:
        return 0
    if session.date < timezone.localdate(now) and before["date"] < timezone.localdate(now):
        return 0  # a past session corrected afterwards
    told = 0
    with transaction.atomic():
        for registration in _locked_registrations(session=session, status__in=ACTIVE):
            registration.session = session
            fields = []
            if changes and registration.status == RegistrationStatus.CONFIRMED:
                registration.ics_sequence += 1
                fields.append("ics_sequence")
            if before["date"] != session.date:
                registration.reminded_day_before_at = None
                fields.append("reminded_day_before_at")
            if moved or new_link:
                registration.reminded_hour_before_at = None
                fields.append("reminded_hour_before_at")
            if fields:
                registration.save(update_fields=fields)
            if changes:
                told += _queue_update(registration.registrant, [registration], changes=changes)
    return told


def event_schedule_changed(
    *, event: Event, before: str, now: datetime.datetime | None = None
) -> int:
    """The event's state changed from `before` (« Passé en ligne », « Reporté », or back):
    tell the registrants of its sessions to come, with their invitations updated. Returns
    how many registrants were told."""
    if before not in EVENT_STATES_TOLD and event.schedule_status not in EVENT_STATES_TOLD:
        return 0
    now = now or timezone.now()
    state = states.public_status(event)
    change = state.heading or "L’événement a lieu comme annoncé."
    if not change.endswith("."):
        change += "."
    told = 0
    with transaction.atomic():
        registrations = _locked_registrations(
            "session",
            session__event=event,
            status__in=ACTIVE,
            session__date__gte=timezone.localdate(now),
        )
        by_registrant = defaultdict(list)
        for registration in registrations:
            registration.session.event = event
            if registration.status == RegistrationStatus.CONFIRMED:
                registration.ics_sequence += 1
                registration.save(update_fields=["ics_sequence"])
            by_registrant[registration.registrant_id].append(registration)
        for held in by_registrant.values():
            told += _queue_update(
                held[0].registrant,
                held,
                changes=[change],
                message=states.public_status_message(event),
            )
    return told


def _line(registration: Registration) -> dict:
    session = registration.session
    if registration.status == RegistrationStatus.CONFIRMED:
        outcome = "Votre place reste réservée : l’invitation jointe met votre agenda à jour."
    else:
        outcome = f"Vous restez en liste d’attente, en position {waiting_position(registration)}."
    return {"label": session_label(session), "place": session_place(session), "outcome": outcome}


def _queue_update(
    registrant: Registrant,
    registrations: list[Registration],
    *,
    changes: list[str],
    message: str = "",
) -> int:
    if registrant.is_erased or not registrant.email:
        return 0
    event = registrations[0].session.event
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    queue_email(
        to=[registrant.email],
        template="registration_update",
        context={
            "registrant": registrant,
            "event": event,
            "event_url": absolute(event.get_absolute_url()),
            "manage_url": manage_url(registrant),
            "changes": changes,
            "message": message,
            "lines": [_line(registration) for registration in registrations],
            "any_confirmed": bool(confirmed),
        },
        attachments=[invitation(registration) for registration in confirmed],
    )
    return 1


# Cancellations --------------------------------------------------------------------------


def event_cancelled(*, event: Event, now: datetime.datetime | None = None) -> int:
    """The event is cancelled: every registration still held or asked for is cancelled, and
    each registrant who held a seat or a place in a waiting list is told, their invitations
    withdrawn. The seats counts go back to zero. Returns how many registrants were told."""
    now = now or timezone.now()
    told = 0
    with transaction.atomic():
        # The sessions first, locked as the seats are taken (`registrations.services`): a
        # confirmation in progress ends before, or finds the event cancelled after.
        sessions = list(
            EventSession.objects.select_for_update(of=("self",)).filter(event=event).order_by("pk")
        )
        registrations = _locked_registrations(
            session__event=event, status__in=(*ACTIVE, RegistrationStatus.PENDING)
        )
        by_session = {session.pk: session for session in sessions}
        by_registrant = defaultdict(list)
        for registration in registrations:
            registration.session = by_session[registration.session_id]
            registration.session.event = event
            was = registration.status
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.cancelled_by_organizer = True
            if was == RegistrationStatus.CONFIRMED:
                registration.ics_sequence += 1
            registration.save(
                update_fields=["status", "cancelled_at", "cancelled_by_organizer", "ics_sequence"]
            )
            if was != RegistrationStatus.PENDING:  # an address never confirmed is not written to
                by_registrant[registration.registrant_id].append((registration, was))
        for held in by_registrant.values():
            told += _queue_cancellation(
                held[0][0].registrant,
                held,
                session_only=False,
                message=states.public_status_message(event),
            )
        for session_id in sorted({registration.session_id for registration in registrations}):
            services.session_fill(session_id=session_id, now=now)  # recounts: nobody waits now
    return told


def session_deleted(*, session: EventSession, with_event: bool = False) -> int:
    """A session with registrants is being deleted (its registrations go with it), alone or
    `with_event`: tell each of them, their invitation withdrawn. Returns how many were told."""
    if not (session.seats_taken or session.waiting_count):
        return 0  # kept under the session's lock: nobody holds a seat or waits
    told = 0
    for registration in _locked_registrations(session=session, status__in=ACTIVE):
        registration.session = session
        was = registration.status
        if was == RegistrationStatus.CONFIRMED:
            registration.ics_sequence += 1  # the row goes with the session: only the invitation
        told += _queue_cancellation(
            registration.registrant,
            [(registration, was)],
            session_only=not with_event,
            event_gone=with_event,
        )
    return told


def _queue_cancellation(
    registrant: Registrant,
    held: list[tuple[Registration, str]],
    *,
    session_only: bool,
    event_gone: bool = False,
    message: str = "",
) -> int:
    if registrant.is_erased or not registrant.email:
        return 0
    event = held[0][0].session.event
    had_seat = [r for r, was in held if was == RegistrationStatus.CONFIRMED]
    queue_email(
        to=[registrant.email],
        template="registration_event_cancelled",
        context={
            "registrant": registrant,
            "event": event,
            "event_url": absolute(event.get_absolute_url()),
            "session_only": session_only,
            "event_gone": event_gone,  # deleted: no page to link to
            "sessions": [session_label(r.session) for r, _ in held],
            "message": message,
            "any_seat": bool(had_seat),
        },
        attachments=[invitation(r, method=ics.CANCEL) for r in had_seat],
    )
    return 1


# Retention of the outbox ----------------------------------------------------------------


def outbox_purge(*, now: datetime.datetime | None = None, retention_days: int) -> int:
    """Delete the e-mails sent (or abandoned) more than `retention_days` ago: each holds its
    recipients' addresses, and often their names. Those still to send are kept. Returns how
    many were deleted."""
    now = now or timezone.now()
    deleted, _ = OutgoingEmail.objects.filter(
        status__in=(EmailStatus.SENT, EmailStatus.FAILED),
        created_at__lt=now - datetime.timedelta(days=retention_days),
    ).delete()
    return deleted
