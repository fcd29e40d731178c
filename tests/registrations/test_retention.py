"""Personal data kept no longer than needed: unconfirmed requests deleted after 7 days,
accessibility needs erased once the session is over, registrants anonymised
REGISTRATION_RETENTION_DAYS after their last session (the counts stay), sent e-mails deleted
after as long."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from events.models import PARIS, EventSession
from moisinno.enums import EmailStatus
from moisinno.models import OutgoingEmail
from registrations import services
from registrations.lifecycle import outbox_purge
from registrations.models import Registrant, Registration, RegistrationStatus
from registrations.tokens import CONFIRMATION_DAYS
from tests.registrations.helpers import confirm as confirm_address

ROOT = Path(__file__).resolve().parents[2]
NEEDS = "Boucle magnétique, place au premier rang."


def register(event, session, index, *, confirm=True, **kwargs):
    registrant = services.registrant_register(
        event=event,
        sessions=[session],
        name=f"Camille Martin {index}",
        email=f"camille.{index}@example.fr",
        kind="agent",
        organization_name="Préfecture d’Ille-et-Vilaine",
        **kwargs,
    )
    if confirm:
        confirm_address(registrant)
    registrant.refresh_from_db()
    return registrant


def at(day: datetime.date, hour: int = 3) -> datetime.datetime:
    """A moment of `day` in Paris (the purge runs at night)."""
    return datetime.datetime.combine(day, datetime.time(hour), PARIS)


def purge(now, retention_days=90):
    return services.registrations_purge(
        now=now, retention_days=retention_days, confirmation_days=CONFIRMATION_DAYS
    )


def test_requests_never_confirmed_are_deleted_after_seven_days(session, platform_event):
    old, recent = (register(platform_event, session, i, confirm=False) for i in (1, 2))
    confirmed = register(platform_event, session, 3)
    now = timezone.now()
    Registrant.objects.filter(pk__in=[old.pk, confirmed.pk]).update(
        created_at=now - datetime.timedelta(days=CONFIRMATION_DAYS, minutes=1)
    )
    Registrant.objects.filter(pk=recent.pk).update(
        created_at=now - datetime.timedelta(days=CONFIRMATION_DAYS - 1)
    )

    done = purge(now)

    assert done["unconfirmed"] == 1  # one request (its registration is not counted)
    assert set(Registrant.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not Registration.objects.filter(registrant_id=old.pk).exists()


def test_accessibility_needs_are_erased_once_the_session_is_over(session, platform_event):
    registrant = register(
        platform_event, session, 1, accessibility_needs=NEEDS, accessibility_consent=True
    )
    assert registrant.accessibility_needs == NEEDS

    purge(at(session.date, 23))  # the evening of the session: still needed
    registrant.refresh_from_db()
    assert registrant.accessibility_needs == NEEDS

    done = purge(at(session.date + datetime.timedelta(days=1)))

    assert done["needs"] == 1
    registrant.refresh_from_db()
    assert (registrant.accessibility_needs, registrant.accessibility_consent) == ("", False)
    assert registrant.name == "Camille Martin 1"  # the rest waits for the retention period


def test_a_cancelled_registration_keeps_no_accessibility_needs(session, platform_event):
    registrant = register(
        platform_event, session, 1, accessibility_needs=NEEDS, accessibility_consent=True
    )
    services.registrant_cancel_all(registrant=registrant)

    purge(timezone.now())

    registrant.refresh_from_db()
    assert registrant.accessibility_needs == ""


def test_needs_given_without_consent_are_never_kept(session, platform_event):
    registrant = register(platform_event, session, 1, accessibility_needs=NEEDS)

    assert registrant.accessibility_needs == ""


def test_registrants_are_anonymised_after_the_retention_period_and_the_counts_stay(
    session, platform_event
):
    registrant = register(platform_event, session, 1)
    last_day = session.date + datetime.timedelta(days=89)

    assert purge(at(last_day))["anonymised"] == 0
    registrant.refresh_from_db()
    assert registrant.email == "camille.1@example.fr"

    done = purge(at(last_day + datetime.timedelta(days=1)))

    assert done["anonymised"] == 1
    registrant.refresh_from_db()
    assert (registrant.name, registrant.email, registrant.organization_name) == ("", "", "")
    assert registrant.erased_at is not None
    registration = registrant.registrations.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert str(registrant) == f"Inscription n° {registrant.pk} (effacée)"


def test_a_registrant_with_a_later_session_is_kept(session, platform_event):
    later = EventSession.objects.create(
        event=platform_event,
        date=session.date + datetime.timedelta(days=60),
        capacity=10,
        city="Rennes",
    )
    registrant = services.registrant_register(
        event=platform_event,
        sessions=[session, later],
        name="Camille Martin",
        email="camille@example.fr",
        kind="private",
    )
    services.registrant_confirm(registrant=registrant)

    assert purge(at(session.date + datetime.timedelta(days=100)))["anonymised"] == 0
    assert purge(at(later.date + datetime.timedelta(days=90)))["anonymised"] == 1


def test_sent_emails_are_deleted_after_the_retention_period(db):
    now = timezone.now()
    old = now - datetime.timedelta(days=91)

    def email(status, created_at):
        row = OutgoingEmail.objects.create(
            to=["camille@example.fr"], subject="Inscription", body_text="…", status=status
        )
        OutgoingEmail.objects.filter(pk=row.pk).update(created_at=created_at)
        return row.pk

    old_sent = email(EmailStatus.SENT, old)
    old_failed = email(EmailStatus.FAILED, old)
    old_pending = email(EmailStatus.PENDING, old)
    recent_sent = email(EmailStatus.SENT, now - datetime.timedelta(days=10))

    assert outbox_purge(now=now, retention_days=90) == 2

    remaining = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert remaining == {old_pending, recent_sent}
    assert not remaining & {old_sent, old_failed}


def test_the_nightly_command_uses_the_retention_setting(session, platform_event, settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    registrant = register(platform_event, session, 1)
    EventSession.objects.filter(pk=session.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=31)
    )
    OutgoingEmail.objects.update(
        status=EmailStatus.SENT, created_at=timezone.now() - datetime.timedelta(days=31)
    )
    out = io.StringIO()

    call_command("purge_registrations", stdout=out)

    assert out.getvalue().strip() == (
        "0 unconfirmed request(s) deleted, accessibility needs erased from 0, "
        "1 registrant(s) anonymised, 2 sent e-mail(s) deleted."
    )
    registrant.refresh_from_db()
    assert registrant.is_erased
    assert not OutgoingEmail.objects.exists()


def settings_value(**env: str) -> subprocess.CompletedProcess:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REGISTRATION_RETENTION_DAYS)"
    )
    base = {k: v for k, v in os.environ.items() if k != "REGISTRATION_RETENTION_DAYS"}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "moisinno.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_retention_period_is_90_days_unless_set():
    assert settings_value().stdout.strip() == "90"
    assert settings_value(REGISTRATION_RETENTION_DAYS="180").stdout.strip() == "180"
    for wrong in ("0", "trois mois"):
        refused = settings_value(REGISTRATION_RETENTION_DAYS=wrong)
        assert refused.returncode != 0
        assert "REGISTRATION_RETENTION_DAYS must be a number of days" in refused.stderr
