"""The demo's bilan (`load_demo_data`): the real 2022 edition's events carry what happened —
attendance declared by their organisers, registrations on the platform with check-ins, the
participants' answers to the questionnaire — all **generated** here, deterministic for a seed,
and the edition's bilan is closed and published with a note that says so
(`Edition.bilan_note`, shown at the top of both bilan pages). The events and the headline figure
(« plus de 350 événements ») are real; nothing else of this module is.

What the demo shows, from the published events in the order of their first day:
- most were held, declared in person or online, with the share of public agents estimated or
  taken from the registrations, and « Ce qui a marché »;
- `PLATFORM` events took registrations on the platform: their registrants (anonymised, as the
  nightly purge leaves them long after the session) were checked in or connected, and some
  answered the questionnaire, enough for satisfaction to be shown;
- the last but one was declared as not having taken place;
- the last was never declared despite the requests and both reminders: the DITP's bilan lists
  its organisation to chase.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus, RegistrationMode
from events.models import Edition, Event, EventSession
from registrations.models import Registrant, RegistrantKind, Registration, RegistrationStatus
from results.models import AgentsShareSource, EventOutcome, SessionAttendance, SurveyAnswer

BILAN_NOTE = (
    "Démonstration : les participations déclarées, les inscriptions et les réponses au "
    "questionnaire de cette édition sont générées par l'application (données fictives). Les "
    "événements sont réels, cités par la presse en novembre 2022, de même que les « plus de 350 "
    "événements » annoncés par la DITP."
)
#: Published events whose registrations are on the platform (by position in the edition).
PLATFORM = (1, 4, 6)
ANSWER_RATE = 0.45
WHAT_WORKED = [
    "Les ateliers en petits groupes : chacun est reparti avec une idée à tester.",
    "Des agents de terrain et des usagers autour de la même table.",
    "Le format court, à l'heure du déjeuner, a attiré des équipes qui ne viennent jamais.",
    "La démonstration en direct, suivie de questions nombreuses.",
    "Le retour d'expérience d'une autre administration, très concret.",
    "Les échanges dans la discussion en ligne, qui ont continué après la séance.",
]
COMMENTS = [
    "Très concret, j'ai déjà proposé la méthode à mon équipe.",
    "Un peu court : on aurait aimé une deuxième séance.",
    "Bravo pour l'animation, rythmée et bienveillante.",
    "Le son n'était pas toujours bon en ligne.",
    "J'ai découvert un réseau que je ne connaissais pas.",
    "",
    "",
    "",
]


@dataclass(frozen=True)
class DemoResults:
    held: int
    declared_cancelled: Event
    not_declared: Event
    registrations: int
    answers: int


def _paris(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _registrations(session: EventSession, rng: random.Random, *, online: bool) -> list:
    """Confirmed, anonymised registrations of `session`, checked in (in person) or connected;
    the answers of some. Returns the registrations."""
    count = rng.randint(24, 40)
    before = _paris(session.date - datetime.timedelta(days=rng.randint(5, 20)), 10)
    registrants = Registrant.objects.bulk_create(
        Registrant(
            event_id=session.event_id,
            name="",
            email="",
            kind=RegistrantKind.AGENT if rng.random() < 0.8 else RegistrantKind.PRIVATE,
            confirmed_at=before,
            erased_at=_paris(session.date + datetime.timedelta(days=91), 3),
        )
        for _ in range(count)
    )
    Registrant.objects.filter(pk__in=[r.pk for r in registrants]).update(created_at=before)
    start = _paris(session.date, session.start_time.hour if session.start_time else 10)
    registrations = Registration.objects.bulk_create(
        Registration(
            registrant=registrant,
            session=session,
            status=RegistrationStatus.CONFIRMED,
            rank=rank,
            confirmed_at=before,
            checked_in_at=None if online or rng.random() > 0.8 else start,
            reminded_day_before_at=start - datetime.timedelta(days=1),
        )
        for rank, registrant in enumerate(registrants, start=1)
    )
    EventSession.objects.filter(pk=session.pk).update(seats_taken=count, registration_rank=count)
    asked = _paris(session.date + datetime.timedelta(days=1), 9)
    SurveyAnswer.objects.bulk_create(
        _answer(registration, asked, rng)
        for registration in registrations
        if online or registration.checked_in_at
    )
    return registrations


def _answer(registration: Registration, asked: datetime.datetime, rng: random.Random):
    if rng.random() > ANSWER_RATE:
        return SurveyAnswer(registration=registration, sent_at=asked)
    overall = rng.choices([2, 3, 4, 5], weights=[1, 3, 8, 6])[0]
    return SurveyAnswer(
        registration=registration,
        sent_at=asked,
        answered_at=asked + datetime.timedelta(hours=rng.randint(1, 72)),
        overall=overall,
        would_recommend=overall >= 4 or rng.random() < 0.3,
        will_reuse_method=rng.random() < 0.6,
        comment=rng.choice(COMMENTS),
    )


def _declare(event: Event, rng: random.Random, *, took_place: bool = True) -> None:
    sessions = list(
        event.sessions.annotate(
            registered=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
            agents=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__registrant__kind=RegistrantKind.AGENT,
                ),
            ),
        ).order_by("date", "pk")
    )
    online = event.attendance_mode == AttendanceMode.ONLINE
    hybrid = event.attendance_mode == AttendanceMode.HYBRID
    for session in sessions:
        if not took_place:
            SessionAttendance.objects.create(session=session, took_place=False)
            continue
        present = online_peak = None
        if not online:
            present = (
                session.checked_in + rng.randint(0, 6)
                if session.registered
                else (rng.randint(12, 90))
            )
        if online or hybrid:
            online_peak = (
                session.registered - rng.randint(0, 8)
                if session.registered
                else (rng.randint(40, 300))
            )
        from_registrations = bool(session.registered)
        SessionAttendance.objects.create(
            session=session,
            present_in_person=present,
            online_peak=online_peak,
            agents_share=(
                round(100 * session.agents / session.registered)
                if from_registrations
                else rng.choice([60, 70, 75, 80, 90])
            ),
            agents_share_source=(
                AgentsShareSource.REGISTRATIONS
                if from_registrations
                else AgentsShareSource.ESTIMATE
            ),
        )


def demo_results_create(*, edition: Edition, seed: int) -> DemoResults:
    """The generated outcome of `edition`'s published events, and its bilan closed and
    published (see the module's docstring)."""
    rng = random.Random(seed)
    events = list(
        Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED)
        .annotate(last_day=Max("sessions__date"))
        .filter(last_day__isnull=False)
        .order_by("starts_on", "pk")
    )
    *held, cancelled, silent = events
    registrations = 0
    with transaction.atomic():
        for position, event in enumerate(held):
            if position in PLATFORM:
                Event.objects.filter(pk=event.pk).update(
                    registration_mode=RegistrationMode.PLATFORM,
                    registration_url="",
                    registration_email="",
                )
                for session in event.sessions.order_by("date", "pk"):
                    online = event.attendance_mode == AttendanceMode.ONLINE
                    registrations += len(_registrations(session, rng, online=online))
            _declare(event, rng)
        _declare(cancelled, rng, took_place=False)
        for event in held + [cancelled]:
            asked = _paris(event.last_day + datetime.timedelta(days=1), 9)
            EventOutcome.objects.create(
                event=event,
                what_worked=rng.choice(WHAT_WORKED) if event in held else "",
                requested_at=asked,
                declared_at=asked + datetime.timedelta(days=rng.randint(0, 9), hours=5),
            )
        asked = _paris(silent.last_day + datetime.timedelta(days=1), 9)
        EventOutcome.objects.create(
            event=silent,
            requested_at=asked,
            reminded_day3_at=asked + datetime.timedelta(days=2),
            reminded_day10_at=asked + datetime.timedelta(days=9),
        )
        last_day = edition.end_date
        Edition.objects.filter(pk=edition.pk).update(
            bilan_closed_at=_paris(last_day + datetime.timedelta(days=46), 18),
            bilan_published_at=_paris(last_day + datetime.timedelta(days=63), 10),
            bilan_note=BILAN_NOTE,
        )
    answers = SurveyAnswer.objects.filter(
        registration__session__event__edition=edition, answered_at__isnull=False
    ).count()
    return DemoResults(
        held=len(held),
        declared_cancelled=cancelled,
        not_declared=silent,
        registrations=registrations,
        answers=answers,
    )
