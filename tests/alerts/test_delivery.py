"""Alert e-mails through the real outbox and task worker: headers reach the sent message, and
nothing is sent twice when the digest command or the worker runs again."""

import datetime
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts.models import Alert
from alerts.services import alert_confirm, alert_subscribe, unsubscribe_token
from events.enums import EventStatus
from moisinno.enums import EmailStatus
from moisinno.models import OutgoingEmail
from moisinno.notifications import queue_email
from moisinno.tasks import send_email
from tests.factories import EventFactory

# The worker closes the connection outside autocommit mode: real transactions, as in
# tests/moisinno/test_notifications.py.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADDRESS = "agent@bretagne.gouv.fr"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def send_digests() -> None:
    call_command("send_alert_digests", stdout=io.StringIO())


@pytest.fixture
def confirmed(transactional_db, edition):
    alert = alert_subscribe(email=ADDRESS, edition=edition, query="region=53")
    alert = alert_confirm(alert=alert)
    Alert.objects.filter(pk=alert.pk).update(watermark=timezone.now() - datetime.timedelta(days=7))
    run_worker()  # the confirmation e-mail
    mail.outbox.clear()
    EventFactory(
        edition=edition,
        title="Atelier rennais",
        status=EventStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return alert


def test_queue_email_without_headers_is_unchanged(transactional_db):
    email = queue_email(
        to=["agent@bretagne.gouv.fr"],
        template="alerts_confirm",
        context={"confirm_url": "https://example.org/", "labels": [], "days": 7},
    )

    assert email.headers == {}
    run_worker()
    (message,) = mail.outbox
    assert "List-Unsubscribe" not in message.message()


def test_the_sent_digest_carries_the_one_click_unsubscribe_headers(confirmed):
    send_digests()
    run_worker()

    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    headers = message.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(confirmed)])
    assert f"{url}>, <mailto:" in headers["List-Unsubscribe"]
    assert "Atelier rennais" in message.body


def test_nothing_is_sent_twice_when_the_command_or_the_worker_runs_again(confirmed):
    send_digests()
    send_digests()  # run twice (a cron retried, two timers)
    assert OutgoingEmail.objects.filter(template="alerts_digest").count() == 1

    run_worker()
    # The worker restarts after a crash and its task runs again: the e-mail is already sent.
    digest = OutgoingEmail.objects.get(template="alerts_digest")
    send_email.enqueue(digest.pk)
    run_worker()
    send_digests()
    run_worker()

    assert len(mail.outbox) == 1
    digest.refresh_from_db()
    assert digest.status == EmailStatus.SENT
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_digest_queued_before_a_crash_is_sent_once_the_worker_is_back(confirmed):
    send_digests()  # queued, then the worker is down
    assert mail.outbox == []

    send_digests()  # the next run does not queue it again
    run_worker()

    assert len(mail.outbox) == 1
