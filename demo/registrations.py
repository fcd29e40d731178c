"""The demo's registrations on the platform (`load_demo_data`): real requests, made and
confirmed through `registrations.services` with fake `@example.org` addresses, on published
events of the demo edition that take registrations on the platform:

- one session full, with its waiting list (`FULL_CAPACITY` seats, `FULL_WAITING` waiting);
- one online session whose connection link is private: only its registrants receive it, in
  the reminder an hour before;
- a few others with some seats taken.

The e-mails these requests queued are dropped: their addresses are fake.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult

from events.enums import AttendanceMode, EventStatus, RegistrationMode, ScheduleStatus
from events.models import Edition, Event, EventSession
from events.sessions import event_refresh_dates
from moisinno.models import OutgoingEmail
from moisinno.tasks import send_email
from registrations import services
from registrations.models import RegistrantKind

from . import vocabulary as vocab

FULL_CAPACITY = 12
FULL_WAITING = 3
ONLINE_CAPACITY = 100
ONLINE_REGISTRANTS = 6
OTHERS = 6
DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoRegistrations:
    full: Event  # its first session is full, with people waiting
    online: Event  # its first session is online, its link private
    others: list[Event]
    registrants: int


class _People:
    """Fake people, each with their own address, the same for a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0

    def register(self, event: Event, session: EventSession) -> None:
        self.count += 1
        first, last = self.rng.choice(vocab.FIRST_NAMES), self.rng.choice(vocab.LAST_NAMES)
        agent = self.rng.random() < 0.75
        registrant = services.registrant_register(
            event=event,
            sessions=[session],
            name=f"{first} {last}",
            email=f"{slugify(first)}.{slugify(last)}.{self.count}@{DOMAIN}",
            kind=RegistrantKind.AGENT if agent else RegistrantKind.PRIVATE,
            organization_name=self.rng.choice(vocab.CENTRAL_ADMINISTRATIONS) if agent else "",
        )
        services.registrant_confirm(registrant=registrant)


def _platform_events(edition: Edition, mode: str):
    """Published events of `edition` held in `mode`, with sessions, those on the platform
    first."""
    return (
        Event.objects.filter(
            edition=edition,
            status=EventStatus.PUBLISHED,
            schedule_status=ScheduleStatus.SCHEDULED,
            attendance_mode=mode,
        )
        .filter(Exists(EventSession.objects.filter(event=OuterRef("pk"))))
        .annotate(
            elsewhere=Case(
                When(registration_mode=RegistrationMode.PLATFORM, then=Value(0)), default=1
            )
        )
        .order_by("elsewhere", "starts_on", "pk")
    )


def _on_the_platform(event: Event) -> Event:
    """Make sure `event` takes registrations on the platform (a generated one may not)."""
    if event.registration_mode != RegistrationMode.PLATFORM:
        Event.objects.filter(pk=event.pk).update(
            registration_mode=RegistrationMode.PLATFORM, registration_url="", registration_email=""
        )
        event.registration_mode = RegistrationMode.PLATFORM
    return event


def _first_session(event: Event) -> EventSession:
    return event.sessions.order_by("date", "start_time", "pk").first()


def demo_registrations_create(*, edition: Edition, seed: int) -> DemoRegistrations:
    """Registrations on some published events of `edition` (see the module's docstring),
    deterministic for a seed."""
    people = _People(seed)
    with transaction.atomic():
        last_email = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
        last_email = last_email or 0
        queued_tasks = set(DBTaskResult.objects.values_list("pk", flat=True))
        full = _on_the_platform(_platform_events(edition, AttendanceMode.IN_PERSON).first())
        session = _first_session(full)
        EventSession.objects.filter(pk=session.pk).update(capacity=FULL_CAPACITY, waiting_list=True)
        session.refresh_from_db()
        for _ in range(FULL_CAPACITY + FULL_WAITING):
            people.register(full, session)

        online = _on_the_platform(_platform_events(edition, AttendanceMode.ONLINE).first())
        session = _first_session(online)
        EventSession.objects.filter(event=online).update(
            online_url=f"https://webinaire.example.gouv.fr/salle-privee-{online.slug}"[:200],
            online_url_public=False,
        )
        EventSession.objects.filter(pk=session.pk).update(capacity=ONLINE_CAPACITY)
        # The event shows the first public link of its sessions: none now.
        event_refresh_dates(event=online)
        session.refresh_from_db()
        for _ in range(ONLINE_REGISTRANTS):
            people.register(online, session)

        others = list(
            Event.objects.filter(
                edition=edition,
                status=EventStatus.PUBLISHED,
                schedule_status=ScheduleStatus.SCHEDULED,
                registration_mode=RegistrationMode.PLATFORM,
                sessions__capacity__isnull=False,
            )
            .exclude(pk__in=[full.pk, online.pk])
            .distinct()
            .order_by("starts_on", "pk")[:OTHERS]
        )
        for event in others:
            session = _first_session(event)
            for _ in range(people.rng.randint(1, min(8, session.capacity or 8))):
                people.register(event, session)

        _drop_emails(after=last_email, tasks_before=queued_tasks)
    return DemoRegistrations(full=full, online=online, others=others, registrants=people.count)


def _drop_emails(*, after: int, tasks_before: set) -> None:
    """The e-mails of the demo's requests, and their sending tasks: nobody reads them."""
    dropped = set(
        OutgoingEmail.objects.filter(
            pk__gt=after, template__startswith="registration_"
        ).values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=dropped).delete()
    tasks = DBTaskResult.objects.filter(task_path=send_email.module_path).exclude(
        pk__in=tasks_before
    )
    DBTaskResult.objects.filter(
        pk__in=[task.pk for task in tasks if task.args_kwargs.get("args", [None])[0] in dropped]
    ).delete()
