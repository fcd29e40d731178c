import datetime
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.services import event_approve, event_request_changes, event_submit
from moisinno.enums import EmailStatus
from moisinno.models import OutgoingEmail
from moisinno.notifications import MAX_ATTEMPTS, deliver, email_requeue
from tests.factories import EventFactory, MembershipFactory, UserFactory

# The worker closes the connection when it is not in autocommit mode, as inside a test
# transaction: tests that run it use real transactions (serialized_rollback restores the
# data migrations, such as the moderator group, after each flush).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def closed_port() -> int:
    """A local TCP port where nothing listens (an SMTP server that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def submitted_scene(transactional_db, edition):
    organizer = MembershipFactory(user__email="agent@bretagne.gouv.fr").user
    moderator = UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    event = EventFactory(
        edition=edition,
        organization=organizer.memberships.get().organization,
        title="Atelier FALC",
        eligible=True,
    )
    return organizer, moderator, event


def test_submission_queues_ack_and_moderator_alert_in_the_same_transaction(submitted_scene):
    organizer, moderator, event = submitted_scene

    event_submit(event=event, user=organizer)

    emails = {e.template: e for e in OutgoingEmail.objects.all()}
    assert set(emails) == {"event_submitted_ack", "event_submitted_alert"}
    assert emails["event_submitted_ack"].to == ["agent@bretagne.gouv.fr"]
    assert emails["event_submitted_alert"].to == ["moderation@modernisation.gouv.fr"]
    assert "« Atelier FALC » a bien été soumis" in emails["event_submitted_ack"].subject
    assert DBTaskResult.objects.count() == 2
    assert mail.outbox == []  # nothing is sent before the worker runs


def test_worker_sends_queued_emails_as_text_and_html(submitted_scene):
    organizer, moderator, event = submitted_scene
    event_submit(event=event, user=organizer)

    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "agent@bretagne.gouv.fr",
        "moderation@modernisation.gouv.fr",
    ]
    ack = next(m for m in mail.outbox if m.to == ["agent@bretagne.gouv.fr"])
    assert "espace organisateur" in ack.body
    assert ack.alternatives[0].mimetype == "text/html"
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_decision_email_carries_the_moderator_message(submitted_scene):
    organizer, moderator, event = submitted_scene
    event_submit(event=event, user=organizer)
    run_worker()
    mail.outbox.clear()

    event_request_changes(event=event, user=moderator, message="Précisez l'adresse du lieu.")
    run_worker()

    (message,) = mail.outbox
    assert message.to == ["agent@bretagne.gouv.fr"]
    assert message.subject == "Des modifications sont demandées sur « Atelier FALC »"
    assert "Précisez l'adresse du lieu." in message.body


def test_smtp_outage_loses_nothing(submitted_scene, settings):
    organizer, moderator, event = submitted_scene
    smtp_down = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    locmem = settings.MAILERS
    event_submit(event=event, user=organizer)
    event_approve(event=event, user=moderator)

    settings.MAILERS = smtp_down
    run_worker()

    assert mail.outbox == []
    pending = OutgoingEmail.objects.filter(status=EmailStatus.PENDING)
    assert pending.count() == 3
    assert all(e.attempts == 1 and "ConnectionRefused" in e.last_error for e in pending)
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 3
    assert all(r.run_after > timezone.now() for r in retries)

    # The SMTP server is back, and the retry delay has passed.
    settings.MAILERS = locmem
    retries.update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()

    assert len(mail.outbox) == 3
    assert not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()
    published = next(m for m in mail.outbox if "est publié" in m.subject)
    assert published.to == ["agent@bretagne.gouv.fr"]


def test_email_is_abandoned_after_max_attempts_and_can_be_requeued(submitted_scene, settings):
    organizer, moderator, event = submitted_scene
    event_submit(event=event, user=organizer)
    email = OutgoingEmail.objects.get(template="event_submitted_ack")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    email.attempts = MAX_ATTEMPTS - 1
    email.save()

    assert deliver(email) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    email_requeue(email=email)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 0)


def test_rolled_back_change_queues_no_email(submitted_scene):
    organizer, moderator, event = submitted_scene

    with pytest.raises(RuntimeError), transaction.atomic():
        event_submit(event=event, user=organizer)
        raise RuntimeError("the request failed after the submission")

    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
