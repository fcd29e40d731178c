"""After `make run` (`load_demo_data`), the demo shows registration on the platform: events
that take it with their places, one session full with its waiting list, one online session
whose link only its registrants receive."""

import datetime
import io

from django.core.management import call_command

from events.enums import EventStatus, RegistrationMode
from events.models import Edition, Event, EventSession
from moisinno.models import OutgoingEmail
from registrations.availability import session_availability
from registrations.models import Registration, RegistrationStatus
from registrations.reminders import reminders_send


def test_the_demo_shows_registration_on_the_platform(client, db):
    out = io.StringIO()

    call_command("load_demo_data", stdout=out, verbosity=0)

    current = Edition.objects.get(is_current=True)
    on_platform = Event.objects.filter(
        edition=current,
        status=EventStatus.PUBLISHED,
        registration_mode=RegistrationMode.PLATFORM,
    )
    assert on_platform.count() >= 10
    assert EventSession.objects.filter(event__in=on_platform, capacity__isnull=False).exists()
    assert "Inscriptions sur la plateforme" in out.getvalue()

    # Real requests through the services, with fake addresses; no e-mail left to send them.
    # (The 2022 edition's generated registrations are long anonymised: demo/results.py.)
    rows = Registration.objects.filter(session__event__edition=current).select_related("registrant")
    assert rows.count() >= 21
    assert all(row.registrant.email.endswith("@example.org") for row in rows)
    assert not OutgoingEmail.objects.filter(template__startswith="registration_").exists()

    # One session full, with its waiting list.
    full = EventSession.objects.get(capacity=12, waiting_count=3)
    assert full.seats_taken == 12
    statuses = list(
        Registration.objects.filter(session=full).order_by("rank").values_list("status", flat=True)
    )
    assert statuses == [RegistrationStatus.CONFIRMED] * 12 + [RegistrationStatus.WAITING] * 3
    label = session_availability(full).label
    assert label == "Complet — liste d’attente ouverte (3\u00a0personnes)"

    # One online session whose link is private: not on its page, only in the registrants'
    # reminder an hour before.
    (online,) = EventSession.objects.filter(
        online_url__contains="salle-privee", registrations__isnull=False
    ).distinct()
    assert not online.online_url_public
    assert online.event.online_url == ""
    page = client.get(online.event.get_absolute_url())
    assert page.status_code == 200
    assert online.online_url not in page.content.decode()

    reminders_send(now=online.starts_at - datetime.timedelta(minutes=50))

    links = OutgoingEmail.objects.filter(
        template="registration_reminder", body_text__contains=online.online_url
    )
    registrants = Registration.objects.filter(
        session=online, status=RegistrationStatus.CONFIRMED
    ).values_list("registrant__email", flat=True)
    assert sorted(email.to[0] for email in links) == sorted(registrants)
    assert len(registrants) == 6
