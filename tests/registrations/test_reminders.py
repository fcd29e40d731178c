"""The reminders: the day before to each confirmed registrant, and an hour before an online
session with its private connection link; each sent once, even when the command is killed in
the middle of a batch."""

import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from events.enums import AttendanceMode, ScheduleStatus
from events.models import PARIS, Event, EventSession
from moisinno.models import OutgoingEmail
from registrations import services
from registrations.models import Registration, RegistrationStatus
from registrations.reminders import reminders_send

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_LINK = "https://webinaire.example.gouv.fr/salle-privee-4242"


def register(event, session, index, **kwargs):
    registrant = services.registrant_register(
        event=event,
        sessions=[session],
        name=f"Camille Martin {index}",
        email=f"camille.{index}@example.fr",
        kind="agent",
    )
    services.registrant_confirm(registrant=registrant, **kwargs)
    return registrant.registrations.get()


def go_online(session):
    EventSession.objects.filter(pk=session.pk).update(
        attendance_mode=AttendanceMode.ONLINE,
        venue_name="",
        address="",
        postal_code="",
        city="",
        department="",
        online_url=PRIVATE_LINK,
        online_url_public=False,
        online_note="Caméra facultative.",
    )
    session.refresh_from_db()
    return session


def reminders():
    return list(OutgoingEmail.objects.filter(template="registration_reminder").order_by("pk"))


def test_the_day_before_reminder_goes_once_to_each_confirmed_registrant(session, platform_event):
    EventSession.objects.filter(pk=session.pk).update(capacity=2)
    first, second, waiting = (register(platform_event, session, i) for i in range(3))
    services.registrant_register(
        event=platform_event,
        sessions=[session],
        name="Sans Confirmation",
        email="pas.confirme@example.fr",
        kind="private",
    )
    now = session.starts_at - datetime.timedelta(hours=23)

    run = reminders_send(now=now)

    assert (run.day_before, run.hour_before) == (2, 0)
    sent = reminders()
    assert sorted(email.to[0] for email in sent) == ["camille.0@example.fr", "camille.1@example.fr"]
    assert sent[0].subject.startswith("Rappel : Atelier « Faire simple », ")
    assert "Camille Martin" in sent[0].body_text
    assert "code QR" in sent[0].body_text
    first.refresh_from_db()
    assert first.reminded_day_before_at == now
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reminded_day_before_at) == (RegistrationStatus.WAITING, None)
    # A second run, ten minutes later, finds nothing left to send.
    assert reminders_send(now=now + datetime.timedelta(minutes=10)).day_before == 0
    assert len(reminders()) == 2


@pytest.mark.parametrize(
    ("before_start", "due"),
    [
        (datetime.timedelta(hours=25), False),
        (datetime.timedelta(hours=24), True),
        (datetime.timedelta(hours=2, minutes=1), True),
        (datetime.timedelta(hours=2), False),
        (datetime.timedelta(minutes=30), False),
    ],
)
def test_the_day_before_window(session, platform_event, before_start, due):
    register(platform_event, session, 1)

    run = reminders_send(now=session.starts_at - before_start)

    assert run.day_before == (1 if due else 0)


def test_a_seat_obtained_within_the_day_gets_no_day_before_reminder(session, platform_event):
    register(platform_event, session, 1, now=session.starts_at - datetime.timedelta(hours=10))

    assert reminders_send(now=session.starts_at - datetime.timedelta(hours=9)).day_before == 0
    assert reminders() == []


def test_only_the_hour_before_reminder_carries_the_private_link(session, platform_event):
    go_online(session)
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    register(platform_event, session, 1)
    register(platform_event, session, 2)  # waiting: no link

    reminders_send(now=session.starts_at - datetime.timedelta(hours=20))
    (day_before,) = reminders()
    assert PRIVATE_LINK not in day_before.body_text + day_before.body_html
    assert "une heure avant le début" in day_before.body_text

    run = reminders_send(now=session.starts_at - datetime.timedelta(minutes=55))

    assert run.hour_before == 1
    hour_before = reminders()[-1]
    assert hour_before.to == ["camille.1@example.fr"]
    assert hour_before.subject == "Votre lien de connexion : Atelier « Faire simple »"
    assert PRIVATE_LINK in hour_before.body_text
    assert f'href="{PRIVATE_LINK}"' in hour_before.body_html
    assert "Caméra facultative." in hour_before.body_text
    # The other e-mails of the registration never carried it.
    assert not OutgoingEmail.objects.exclude(pk=hour_before.pk).filter(
        body_text__contains=PRIVATE_LINK
    )


def test_a_seat_obtained_in_the_last_hour_still_gets_the_link(session, platform_event):
    go_online(session)
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    first = register(platform_event, session, 1)
    register(platform_event, session, 2)
    reminders_send(now=session.starts_at - datetime.timedelta(minutes=58))
    # 20 minutes before the start, the first cancels: the second is promoted.
    services.registration_cancel(
        registration=first, now=session.starts_at - datetime.timedelta(minutes=20)
    )

    run = reminders_send(now=session.starts_at - datetime.timedelta(minutes=18))

    assert run.hour_before == 1
    assert [email.to for email in reminders()] == [
        ["camille.1@example.fr"],
        ["camille.2@example.fr"],
    ]


def test_an_in_person_session_or_one_without_link_gets_no_hour_before_reminder(
    session, platform_event
):
    register(platform_event, session, 1)
    in_an_hour = session.starts_at - datetime.timedelta(minutes=50)
    assert reminders_send(now=in_an_hour).hour_before == 0

    go_online(session)
    EventSession.objects.filter(pk=session.pk).update(online_url="")
    assert reminders_send(now=in_an_hour).hour_before == 0
    # The link is set at the last minute: the next run sends it.
    EventSession.objects.filter(pk=session.pk).update(online_url=PRIVATE_LINK)
    assert reminders_send(now=in_an_hour + datetime.timedelta(minutes=10)).hour_before == 1


def test_no_reminder_for_a_postponed_event_or_an_erased_request(session, platform_event):
    registration = register(platform_event, session, 1)
    other = register(platform_event, session, 2)
    Event.objects.filter(pk=platform_event.pk).update(schedule_status=ScheduleStatus.POSTPONED)
    now = session.starts_at - datetime.timedelta(hours=12)
    assert reminders_send(now=now).day_before == 0

    Event.objects.filter(pk=platform_event.pk).update(schedule_status=ScheduleStatus.SCHEDULED)
    services.registrant_erase(registrant=registration.registrant)
    assert reminders_send(now=now).day_before == 1
    assert [email.to for email in reminders()] == [[other.registrant.email]]


def test_the_command_reports_what_it_queued(session, platform_event):
    register(platform_event, session, 1)
    Registration.objects.update(confirmed_at=timezone.now() - datetime.timedelta(days=3))
    starts = timezone.localtime(timezone.now() + datetime.timedelta(hours=20), PARIS)
    EventSession.objects.filter(pk=session.pk).update(
        date=starts.date(), start_time=starts.time().replace(microsecond=0), end_time=None
    )
    out = io.StringIO()

    call_command("send_registration_reminders", stdout=out)

    assert out.getvalue().strip() == "1 day-before and 0 hour-before reminder(s) queued."


# The command killed in the middle of a batch --------------------------------------------


def database_url() -> str:
    """The test database, for a command run in another process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def command(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "true"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_registration_reminders", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reminder_is_sent_once_even_when_the_command_is_killed_mid_batch(platform_event):
    if connection.vendor != "postgresql":
        pytest.skip("another process reads the test database: PostgreSQL")
    session = go_online(platform_event.sessions.get())
    starts = timezone.localtime(timezone.now() + datetime.timedelta(minutes=40), PARIS)
    EventSession.objects.filter(pk=session.pk).update(
        date=starts.date(), start_time=starts.time().replace(microsecond=0), end_time=None
    )
    session.refresh_from_db()
    registrations = [register(platform_event, session, i) for i in range(12)]
    OutgoingEmail.objects.all().delete()

    # Slow (0.4 s in each reminder's transaction), killed once 4 reminders are committed.
    slow = command("--pause", "0.4")
    deadline = time.monotonic() + 60
    while len(reminders()) < 4 and time.monotonic() < deadline and slow.poll() is None:
        time.sleep(0.05)
    slow.kill()
    slow.communicate(timeout=10)
    assert slow.returncode != 0, "killed before the end of its batch"
    queued = len(reminders())
    marked = Registration.objects.filter(reminded_hour_before_at__isnull=False).count()
    assert 4 <= queued < 12
    assert marked == queued  # the transaction in progress rolled back, mark and e-mail together

    again = command()
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()
    assert f"0 day-before and {12 - queued} hour-before" in out.decode()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    received = {}
    for message in mail.outbox:
        if message.subject.startswith("Votre lien de connexion"):
            received.setdefault(message.to[0], []).append(message)
    assert sorted(received) == sorted(r.registrant.email for r in registrations)
    assert all(len(messages) == 1 for messages in received.values())
    assert all(PRIVATE_LINK in messages[0].body for messages in received.values())
