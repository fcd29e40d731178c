"""Who registered, for the organising organisation only (the organiser space's registration
pages: organizer_space.permissions resolves the event from the user's memberships first).

- `event_registration_counts`: « Inscriptions (12/30) », from the counts kept on the sessions
  (no query when the sessions are prefetched);
- `session_lists`: a session's confirmed people in arrival order, its waiting list in order,
  the cancelled and refused; the requests whose address is not confirmed yet are only counted
  (they hold nothing, and their address may be a typo);
- `sign_in_sheet`: the confirmed people by name, for the « feuille d'émargement »;
- `registrations_csv`: one row per registration of a session or of the whole event, for a
  spreadsheet (UTF-8 with a byte order mark, « ; », cells that would run as formulas
  neutralised).
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from events.admin.exports import CSV_BOM, CSV_DELIMITER, FORMULA_PREFIXES
from events.models import Event, EventSession
from moisinno.formatting import session_numeric
from moisinno.text import fold

from .emails import session_place
from .models import Registration, RegistrationStatus

ERASED = "Données effacées"


@dataclass(frozen=True)
class RegistrationCounts:
    """The seats taken over the places of an event's sessions (None: one is unlimited)."""

    taken: int
    capacity: int | None
    waiting: int

    @property
    def label(self) -> str:
        """« Inscriptions (12/30) », « Inscriptions (12) » when the places are unlimited."""
        if self.capacity is None:
            return f"Inscriptions ({self.taken})"
        return f"Inscriptions ({self.taken}/{self.capacity})"

    @property
    def description(self) -> str:
        """The same, in words (a screen reader does not read « 12/30 » as a count)."""
        people = f"{self.taken}\u00a0inscription{'s' if self.taken > 1 else ''}"
        if self.capacity is not None:
            people = f"{people} pour {self.capacity}\u00a0places"
        if self.waiting:
            people = f"{people}, {self.waiting}\u00a0en liste d’attente"
        return people


def event_registration_counts(sessions: Iterable[EventSession]) -> RegistrationCounts:
    sessions = list(sessions)
    unlimited = any(session.capacity is None for session in sessions)
    return RegistrationCounts(
        taken=sum(session.seats_taken for session in sessions),
        capacity=None if unlimited else sum(session.capacity or 0 for session in sessions),
        waiting=sum(session.waiting_count for session in sessions),
    )


def event_sessions(event: Event) -> list[EventSession]:
    """The event's sessions in date order, each with `checked_in_count`; one query."""
    return list(
        EventSession.objects.filter(event=event)
        .annotate(
            checked_in_count=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__checked_in_at__isnull=False,
                ),
            )
        )
        .order_by("date", "start_time", "pk")
    )


def event_session(*, event: Event, session_id: int) -> EventSession | None:
    """One session of `event`, or None (another event's session is nobody's business here)."""
    return EventSession.objects.filter(event=event, pk=session_id).first()


def event_registration(*, event: Event, registration_id: int) -> Registration | None:
    """One registration to a session of `event`, with its person and session, or None."""
    return (
        Registration.objects.select_related("registrant", "session__event")
        .filter(session__event=event, pk=registration_id)
        .first()
    )


def _registrations(sessions: QuerySet[EventSession] | list[EventSession]) -> QuerySet:
    return (
        Registration.objects.filter(session__in=sessions)
        .exclude(status=RegistrationStatus.PENDING)
        .select_related("registrant", "session")
    )


@dataclass
class SessionLists:
    session: EventSession
    confirmed: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)
    cancelled: list[Registration] = field(default_factory=list)
    unconfirmed: int = 0

    @property
    def checked_in(self) -> int:
        return sum(1 for registration in self.confirmed if registration.checked_in_at)


def session_lists(session: EventSession) -> SessionLists:
    """The session's registrations by state, each list in arrival order; two queries."""
    lists = SessionLists(session=session)
    for registration in _registrations([session]).order_by("rank", "pk"):
        registration.session = session
        if registration.status == RegistrationStatus.CONFIRMED:
            lists.confirmed.append(registration)
        elif registration.status == RegistrationStatus.WAITING:
            registration.position = len(lists.waiting) + 1
            lists.waiting.append(registration)
        else:
            lists.cancelled.append(registration)
    lists.cancelled.sort(key=lambda r: r.cancelled_at or r.registrant.created_at, reverse=True)
    lists.unconfirmed = Registration.objects.filter(
        session=session, status=RegistrationStatus.PENDING
    ).count()
    return lists


def person_name(registration: Registration) -> str:
    return registration.registrant.name or ERASED


def sign_in_sheet(session: EventSession) -> list[Registration]:
    """The confirmed people of the session, sorted by name as a French reader expects."""
    confirmed = list(
        _registrations([session]).filter(status=RegistrationStatus.CONFIRMED).order_by("pk")
    )
    return sorted(confirmed, key=lambda r: (fold(r.registrant.name), r.pk))


# The CSV export ------------------------------------------------------------------------------


def _datetime(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _safe(value: str | int | None) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


CSV_HEADERS = [
    "Séance",
    "Lieu",
    "État",
    "Position en liste d'attente",
    "Nom et prénom",
    "Adresse électronique",
    "Agent public ou particulier",
    "Administration ou organisme",
    "Besoins d'accessibilité",
    "Inscription confirmée le",
    "Annulée le",
    "Annulée par l'organisateur",
    "Présence",
]


def _row(registration: Registration, position: int | None) -> list[str | int]:
    registrant = registration.registrant
    status = registration.status
    return [
        _safe(value)
        for value in (
            session_numeric(registration.session),
            session_place(registration.session),
            registration.get_status_display(),
            position,
            registrant.name or ERASED,
            registrant.email,
            registrant.get_kind_display() if registrant.kind else "",
            registrant.organization_name,
            registrant.accessibility_needs,
            _datetime(registrant.confirmed_at),
            _datetime(registration.cancelled_at),
            "oui" if registration.cancelled_by_organizer else "",
            "présent"
            if status == RegistrationStatus.CONFIRMED and registration.checked_in_at
            else "",
        )
    ]


STATUS_ORDER = {
    RegistrationStatus.CONFIRMED: 0,
    RegistrationStatus.WAITING: 1,
    RegistrationStatus.CANCELLED: 2,
    RegistrationStatus.REFUSED: 3,
}


def registrations_csv(*, event: Event, session: EventSession | None = None) -> str:
    """One row per registration of `session`, or of every session of `event`: by session, then
    confirmed, waiting (with their position), cancelled, each in arrival order."""
    sessions = [session] if session is not None else list(event.sessions.all())
    registrations = sorted(
        _registrations(sessions),
        key=lambda r: (
            r.session.date,
            r.session.start_time or datetime.time(),
            r.session_id,
            STATUS_ORDER.get(r.status, 9),
            r.rank or 0,
            r.pk,
        ),
    )
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(CSV_HEADERS)
    positions: dict[int, int] = {}
    for registration in registrations:
        position = None
        if registration.status == RegistrationStatus.WAITING:
            position = positions[registration.session_id] = (
                positions.get(registration.session_id, 0) + 1
            )
        writer.writerow(_row(registration, position))
    return buffer.getvalue()
