"""Observability: JSON logs with the request id, X-Request-ID, tracebacks with DEBUG off,
Sentry only when SENTRY_DSN is set, and the worker's log of each e-mail attempt."""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.services import event_approve, event_submit
from moisinno.enums import EmailStatus
from moisinno.models import OutgoingEmail
from tests.moisinno.test_error_pages import run_django
from tests.moisinno.test_notifications import closed_port, run_worker, submitted_scene  # noqa: F401

BROKEN_PAGE_SCRIPT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment, override_settings
setup_test_environment()
from django.test import Client
with override_settings(ROOT_URLCONF="tests.moisinno.test_error_pages"):
    response = Client(raise_request_exception=False).get("/en-panne/")
import sentry_sdk
sentry_sdk.flush(timeout=10)
print(json.dumps({
    "status": response.status_code,
    "request_id": response["X-Request-ID"],
    "page": response.content.decode(),
    "sentry": sentry_sdk.get_client().is_active(),
}))
"""
NO_DATABASE = {"DATABASE_URL": "sqlite:///:memory:"}


@pytest.fixture(scope="module")
def broken_page_in_production():
    """The broken page in a production process without SENTRY_DSN, run once for the tests of
    its logs and of Sentry staying off (a Django process costs seconds of CPU)."""
    return run_django(BROKEN_PAGE_SCRIPT, SENTRY_DSN="", **NO_DATABASE)


def test_unhandled_error_leaves_a_json_traceback_with_the_request_id_when_debug_is_off(
    broken_page_in_production,
):
    result = broken_page_in_production

    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["status"] == 500
    request_id = answer["request_id"]
    assert f'<code id="request-id">{request_id}</code>' in answer["page"]
    # (Python warnings, such as whitenoise's missing static folder here, are not log lines.)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /en-panne/"
    assert error["request_id"] == request_id
    assert error["status_code"] == 500
    assert "Traceback (most recent call last)" in error["exception"]
    assert "RuntimeError: a bug in a view" in error["exception"]
    # Every line of the request carries its id.
    assert all(line["request_id"] == request_id for line in lines if line["request_id"])


def test_development_logs_are_text_with_the_request_id():
    result = run_django(BROKEN_PAGE_SCRIPT, DEBUG="true", LOG_FORMAT="", **NO_DATABASE)

    request_id = json.loads(result.stdout.splitlines()[-1])["request_id"]
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /en-panne/" in (
        result.stderr
    )
    assert "RuntimeError: a bug in a view" in result.stderr


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert "X-Request-ID" in first["Access-Control-Expose-Headers"]


def test_a_valid_incoming_request_id_is_kept_and_a_forged_one_replaced(client, db):
    proxy_id = "0f6b2a4c9d8e4f1aa1b2c3d4e5f60718"

    kept = client.get("/healthz", headers={"X-Request-ID": proxy_id})
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"})

    assert kept["X-Request-ID"] == proxy_id
    assert len(forged["X-Request-ID"]) == 32
    assert "<" not in forged["X-Request-ID"]


# Sentry ---------------------------------------------------------------------------------------


class SentryLike(BaseHTTPRequestHandler):
    """Answers like Sentry's ingestion endpoint and keeps what it received."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        # Sentry's SDK compresses with brotli when it is installed (whitenoise[brotli]).
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id":"0"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    SentryLike.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryLike)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_sentry_is_off_without_sentry_dsn(broken_page_in_production, sentry_server):
    result = broken_page_in_production

    assert json.loads(result.stdout.splitlines()[-1])["sentry"] is False
    assert SentryLike.received == []


def test_sentry_dsn_reports_unhandled_errors_with_the_request_id(sentry_server):
    port = sentry_server.server_address[1]
    dsn = f"http://publickey@127.0.0.1:{port}/42"

    result = run_django(BROKEN_PAGE_SCRIPT, SENTRY_DSN=dsn, **NO_DATABASE)

    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["sentry"] is True
    paths = [path for path, _ in SentryLike.received]
    assert paths and all(path == "/api/42/envelope/" for path in paths)
    events = [
        json.loads(line)
        for _, body in SentryLike.received
        for line in body.splitlines()
        if b'"exception"' in line
    ]
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == answer["request_id"]
    # No personal data: no cookie, no IP address.
    assert "cookies" not in event.get("request", {})
    assert "ip_address" not in event.get("user", {})


# The worker ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_logs_each_email_attempt_with_its_outcome(submitted_scene, settings, caplog):  # noqa: F811
    organizer, moderator, event = submitted_scene
    locmem = settings.MAILERS
    event_submit(event=event, user=organizer)
    event_approve(event=event, user=moderator)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    caplog.set_level(logging.INFO, logger="moisinno.notifications")

    run_worker()
    settings.MAILERS = locmem
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()

    attempts = [r for r in caplog.records if r.name == "moisinno.notifications"]
    ids = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert len(ids) == 3 and len(mail.outbox) == 3
    assert sorted((r.email_id, r.attempt, r.outcome) for r in attempts) == sorted(
        [(pk, 1, "retry") for pk in ids] + [(pk, 2, "sent") for pk in ids]
    )
    retry = next(r for r in attempts if r.outcome == "retry")
    assert retry.levelname == "WARNING"
    assert "ConnectionRefused" in retry.error
    assert "next attempt in 1 min" in retry.getMessage()
    assert all(r.template for r in attempts)
    # No e-mail address in the logs.
    assert not any("@" in r.getMessage() for r in attempts)
    assert not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()
