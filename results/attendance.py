"""Organisers declare who came, once an event is over (issue 28, point 1).

Per session: did it take place, the people present in person, the online connections at
their peak (online and hybrid sessions) and the share of public agents; per event, one
optional sentence « Ce qui a marché ». A declaration is open to the active members of the
event's organisation from the end of its last session until the edition's bilan closes
(`Edition.bilan_closed_at`), and may be edited again until then.

On-platform registrations (`registrations`) give a starting point (`attendance_prefill`):
the check-ins for the people present, the confirmed registrations of an online session for
its peak, the registrants' kind for the share of agents. An event that registers elsewhere
gets no prefill and is declared the same way.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from events import states
from events.enums import EventStatus, RegistrationMode
from events.models import Event, EventSession
from organizers.selectors import user_is_active_member
from registrations.models import RegistrantKind, RegistrationStatus

from .models import AgentsShareSource, EventOutcome, SessionAttendance

WHAT_WORKED_MAX = 300

NOT_PUBLISHED_MESSAGE = "Seul un événement publié peut recevoir une déclaration de participation."
NOT_OVER_MESSAGE = "La participation se déclare une fois la dernière séance terminée."
CLOSED_MESSAGE = (
    "Le bilan de l’édition est clos : la participation ne peut plus être déclarée ni modifiée."
)
NOT_MEMBER_MESSAGE = "Seuls les membres de l’organisation peuvent déclarer la participation."


class AttendanceError(Exception):
    """A declaration refused, with its French message."""


@dataclass(frozen=True)
class SessionFigures:
    """What is declared (or prefilled) of one session."""

    took_place: bool = True
    present_in_person: int | None = None
    online_peak: int | None = None
    agents_share: int | None = None
    agents_share_source: str = AgentsShareSource.ESTIMATE

    @property
    def has_figure(self) -> bool:
        return self.present_in_person is not None or self.online_peak is not None


def attendance_closed_message(event: Event, now: datetime.datetime | None = None) -> str:
    """Why the event's attendance cannot be declared now ('' when it can). Reads the
    prefetched sessions and the edition."""
    now = now or timezone.now()
    if not states.is_published(event):
        return NOT_PUBLISHED_MESSAGE
    ended_at = event.ended_at
    if ended_at is None or ended_at > now:
        return NOT_OVER_MESSAGE
    closed_at = event.edition.bilan_closed_at
    if closed_at is not None and closed_at <= now:
        return CLOSED_MESSAGE
    return ""


def _share(agents: int, total: int) -> int | None:
    return round(100 * agents / total) if total else None


def attendance_prefill(event: Event) -> dict[int, SessionFigures]:
    """A starting point per session from on-platform registrations (one query): present in
    person from the check-ins, the online peak from the confirmed registrations of an online
    session, the share of agents from those counted. Empty for an event that registers
    elsewhere, and for a session with nothing to count."""
    if event.registration_mode != RegistrationMode.PLATFORM:
        return {}
    confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
    checked_in = confirmed & Q(registrations__checked_in_at__isnull=False)
    agent = Q(registrations__registrant__kind=RegistrantKind.AGENT)
    rows = event.sessions.annotate(
        n_confirmed=Count("registrations", filter=confirmed),
        n_checked_in=Count("registrations", filter=checked_in),
        n_agents_confirmed=Count("registrations", filter=confirmed & agent),
        n_agents_checked_in=Count("registrations", filter=checked_in & agent),
    ).only("pk", "attendance_mode")
    prefill = {}
    for session in rows:
        present = session.n_checked_in if session.is_in_person and session.n_checked_in else None
        online = session.n_confirmed if session.is_online and session.n_confirmed else None
        # The share among those who came when they were counted, else among those expected.
        if session.n_checked_in:
            share = _share(session.n_agents_checked_in, session.n_checked_in)
        else:
            share = _share(session.n_agents_confirmed, session.n_confirmed)
        if present is None and online is None and share is None:
            continue
        prefill[session.pk] = SessionFigures(
            present_in_person=present,
            online_peak=online,
            agents_share=share,
            agents_share_source=AgentsShareSource.REGISTRATIONS
            if share is not None
            else AgentsShareSource.ESTIMATE,
        )
    return prefill


def attendance_initial(event: Event) -> dict[int, SessionFigures]:
    """What the form shows: the declaration already made, else the prefill, per session."""
    declared = {
        a.session_id: SessionFigures(
            took_place=a.took_place,
            present_in_person=a.present_in_person,
            online_peak=a.online_peak,
            agents_share=a.agents_share,
            agents_share_source=a.agents_share_source,
        )
        for a in SessionAttendance.objects.filter(session__event=event)
    }
    if declared:
        return declared
    return attendance_prefill(event)


def _check_figures(session: EventSession, figures: SessionFigures) -> None:
    label = f"Séance du {session.date:%d/%m/%Y}"
    for value in (figures.present_in_person, figures.online_peak, figures.agents_share):
        if value is not None and value < 0:
            raise AttendanceError(f"{label} : un nombre ne peut pas être négatif.")
    if figures.agents_share is not None and figures.agents_share > 100:
        raise AttendanceError(f"{label} : la part d’agents publics va de 0 à 100 %.")
    if figures.took_place and not figures.has_figure:
        raise AttendanceError(
            f"{label} : indiquez le nombre de personnes venues, ou que la séance n’a pas eu lieu."
        )


@transaction.atomic
def attendance_declare(
    *,
    event: Event,
    user,
    sessions_data: dict[int, SessionFigures],
    what_worked: str = "",
    now: datetime.datetime | None = None,
) -> EventOutcome:
    """Record the declaration of every session of `event` (keyed by session id) and its
    sentence « Ce qui a marché »; raises `AttendanceError` with a French message."""
    now = now or timezone.now()
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("edition")
        .prefetch_related("sessions")
        .get(pk=event.pk)
    )
    if not user_is_active_member(user=user, organization_id=event.organization_id):
        raise AttendanceError(NOT_MEMBER_MESSAGE)
    closed = attendance_closed_message(event, now)
    if closed:
        raise AttendanceError(closed)
    what_worked = " ".join((what_worked or "").split())
    if len(what_worked) > WHAT_WORKED_MAX:
        raise AttendanceError(f"« Ce qui a marché » tient en {WHAT_WORKED_MAX} caractères au plus.")
    sessions = list(event.sessions.all())
    missing = [s for s in sessions if s.pk not in sessions_data]
    if missing:
        raise AttendanceError("Déclarez chacune des séances de l’événement.")
    for session in sessions:
        _check_figures(session, sessions_data[session.pk])
    for session in sessions:
        figures = sessions_data[session.pk]
        took_place = figures.took_place
        SessionAttendance.objects.update_or_create(
            session=session,
            defaults={
                "took_place": took_place,
                "present_in_person": figures.present_in_person
                if took_place and session.is_in_person
                else None,
                "online_peak": figures.online_peak if took_place and session.is_online else None,
                "agents_share": figures.agents_share if took_place else None,
                "agents_share_source": figures.agents_share_source,
                "declared_by": user,
            },
        )
    outcome, _ = EventOutcome.objects.get_or_create(event=event)
    outcome.what_worked = what_worked
    outcome.declared_at = now
    outcome.save(update_fields=["what_worked", "declared_at"])
    return outcome


def events_awaiting_declaration(
    *, organization_ids: list[int], now: datetime.datetime | None = None
) -> list[Event]:
    """The published events of these organisations whose last session is over, not declared
    yet, their edition's bilan still open; two queries whatever their number."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates: QuerySet[Event] = (
        Event.objects.filter(
            organization_id__in=organization_ids,
            status=EventStatus.PUBLISHED,
            ends_on__lte=today,
        )
        .filter(Q(outcome__isnull=True) | Q(outcome__declared_at__isnull=True))
        .filter(Q(edition__bilan_closed_at__isnull=True) | Q(edition__bilan_closed_at__gt=now))
        .select_related("edition", "organization")
        .prefetch_related(Prefetch("sessions", queryset=EventSession.objects.order_by("date")))
        .order_by("ends_on", "pk")
    )
    return [event for event in candidates if not attendance_closed_message(event, now)]
