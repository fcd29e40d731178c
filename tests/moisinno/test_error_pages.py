"""French DSFR error pages (400, 403, CSRF, 404, 429, 500, 503), JSON under /api/, and the
503 of a database that does not answer, with recovery when it comes back."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from moisinno import urls as site_urls
from moisinno import views
from tests.factories import EventFactory, MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "moisinno.settings",
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "MOISINNO_PLAIN_STATIC": "true",
    "LOG_FORMAT": "json",
}


def broken_view(request):
    raise RuntimeError("a bug in a view")


def session_view(request):
    request.session["vu"] = True  # the session is saved once the view has answered
    return HttpResponse("ok")


# The site's URLs and error handlers, plus a view with a bug and one that writes the session
# (`@pytest.mark.urls`).
urlpatterns = [
    path("en-panne/", broken_view),
    path("session/", session_view),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


def text(response) -> str:
    return " ".join(response.content.decode().split())


def assert_french_error_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = text(response)
    assert '<html lang="fr"' in page
    assert f"<h1> {heading} </h1>" in page
    assert f"Erreur {status}" in page
    # The ways back: home, the programme, a search of the programme.
    assert 'href="/"' in page
    assert 'href="/programme/"' in page
    assert 'action="/programme/"' in page and 'name="q"' in page
    assert "fr-artwork" in page


def test_unknown_address_gives_the_french_404_page(client, db):
    response = client.get("/cette-page-n-existe-pas/")

    assert_french_error_page(response, 404, "Page non trouvée")
    assert "Not Found" not in text(response)


def test_another_organisations_event_gives_the_french_404_page(client, db):
    mine, theirs = MembershipFactory(), MembershipFactory()
    event = EventFactory(organization=theirs.organization)
    client.force_login(mine.user)

    response = client.get(f"/espace-organisateur/evenements/{event.pk}/modifier/")

    assert_french_error_page(response, 404, "Page non trouvée")
    # The page is the site's: the visitor is still shown as logged in.
    assert "Se déconnecter" in text(response)


def test_api_errors_stay_json(client, db):
    unknown = client.get("/api/v1/nulle-part/")
    missing = client.get("/api/v1/events/evenement-inconnu/")

    for response in (unknown, missing):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "Aucune ressource publique" in response.json()["detail"]


def test_csrf_failure_gives_the_french_403_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/compte/login/", {"login": "a@b.fr", "password": "x"})

    assert_french_error_page(response, 403, "Votre session a expiré")
    assert "cookies" in text(response)


def test_permission_denied_gives_the_french_403_page(client, db):
    event = EventFactory(published=True)

    response = client.post(
        f"/mon-programme/ajouter/{event.slug}/", headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert_french_error_page(response, 403, "Accès refusé")


def test_bad_request_gives_the_french_400_page(client, db):
    response = client.get("/", headers={"Host": "site-inconnu.example"})

    assert_french_error_page(response, 400, "Requête incorrecte")


def test_rate_limit_gives_the_french_429_page(client, db):
    user = MembershipFactory().user
    statuses = [
        client.post("/compte/password/reset/", {"email": user.email}).status_code for _ in range(25)
    ]

    assert 429 in statuses
    response = client.post("/compte/password/reset/", {"email": user.email})
    assert_french_error_page(response, 429, "Trop de tentatives")


@pytest.mark.urls("tests.moisinno.test_error_pages")
def test_unhandled_error_gives_the_french_500_page_with_the_request_id(db):
    response = Client(raise_request_exception=False).get("/en-panne/")

    assert_french_error_page(response, 500, "Erreur inattendue")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert f'<code id="request-id">{request_id}</code>' in text(response)


class Untouchable:
    """A session or a user that fails the test if the error page reads it."""

    def __getattr__(self, name):
        raise AssertionError(f"the error page read {name!r}")


@pytest.mark.parametrize(
    ("error", "status"),
    [(RuntimeError("bug"), 500), (OperationalError("down"), 503)],
)
def test_500_and_503_pages_touch_neither_the_database_nor_the_session(db, error, status):
    request = RequestFactory().get("/programme/")
    request.session = Untouchable()
    request.user = Untouchable()

    with CaptureQueriesContext(connection) as queries:
        try:
            raise error
        except type(error):
            response = views.server_error(request)

    assert response.status_code == status
    assert len(queries) == 0
    assert '<html lang="fr"' in response.content.decode()
    if status == 503:
        assert response["Retry-After"] == "30"


@pytest.mark.urls("tests.moisinno.test_error_pages")
def test_a_session_that_cannot_be_saved_because_the_database_went_away_gives_the_503_page(db):
    """Not « Requête incorrecte » (Django's 400 for a session deleted meanwhile)."""
    user = MembershipFactory().user
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def database_gone(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone):
        response = client.get("/session/")

    assert_french_error_page(response, 503, "Service momentanément indisponible")
    assert response["Retry-After"] == "30"


# A shared cache that does not answer -----------------------------------------------------------


def test_a_login_while_redis_does_not_answer_gives_the_french_503_page_and_keeps_the_site_up(
    db, settings
):
    """The login's rate limit needs the shared cache: without it, the 503 page (never a 500),
    while the public pages are still served (rendered, the page cache being out too)."""
    dead = {"BACKEND": "moisinno.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dead, "pages": {**dead, "KEY_PREFIX": "pages"}}
    client = Client(raise_request_exception=False)

    response = client.post(
        reverse("account_login"), {"login": "agent@bretagne.gouv.fr", "password": "x" * 12}
    )

    assert_french_error_page(response, 503, "Service momentanément indisponible")
    assert response["Retry-After"] == "30"
    assert client.get("/programme/").status_code == 200


# A database that does not answer ------------------------------------------------------------

OUTAGE_SCRIPT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client(raise_request_exception=False)
answers = []
for method, url in [("get", "/"), ("get", "/programme/"), ("get", "/labs/"),
                    ("get", "/compte/login/"), ("post", "/compte/login/"),
                    ("get", "/evenements/un-atelier/"), ("get", "/api/v1/events/"),
                    ("get", "/espace-organisateur/"), ("get", "/healthz")]:
    if url == "/espace-organisateur/":  # a logged-in organiser: the session is in the database
        client.cookies["sessionid"] = "a" * 32
    response = getattr(client, method)(url)
    answers.append([url, response.status_code, response.get("Retry-After"),
                    response["Content-Type"], response.content.decode()])
print(json.dumps(answers))
"""


def run_django(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_page_gives_the_503_page_when_the_database_does_not_answer():
    # A real PostgreSQL connection to a port where nothing listens.
    result = run_django(OUTAGE_SCRIPT, DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

    answers = json.loads(result.stdout.splitlines()[-1])
    for url, status, retry_after, content_type, body in answers:
        assert status == 503, (url, status, result.stderr[-2000:])
        if url == "/healthz":
            assert json.loads(body)["database"] == "unreachable"
        elif url.startswith("/api/"):
            assert retry_after == "30"
            assert json.loads(body)["detail"].startswith("Service momentanément indisponible")
        else:
            assert retry_after == "30"
            assert content_type.startswith("text/html")
            assert '<html lang="fr"' in body
            assert "Service momentanément indisponible" in body
            assert "Erreur 503" in body
    # Each 503 left its traceback in the logs, one JSON line with the request id.
    # An address that is no page needs no database: still the French 404.
    unknown = run_django(
        OUTAGE_SCRIPT.replace('("get", "/")', '("get", "/page-inconnue/")'),
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere",
    )
    assert json.loads(unknown.stdout.splitlines()[-1])[0][1] == 404
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    unavailable = [
        line
        for line in lines
        if line["message"].startswith("Service Unavailable") and "/healthz" not in line["message"]
    ]
    assert len(unavailable) == len(answers) - 1  # /healthz answers its 503 itself
    assert all(len(line["request_id"]) == 32 for line in unavailable)
    assert all("OperationalError" in line["exception"] for line in unavailable)


class SwitchableProxy:
    """A TCP proxy to PostgreSQL that can stop answering (connections refused or cut) and
    come back, like a database server that restarts."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                with contextlib.suppress(OSError):
                    end.close()

    def down(self):
        self.up = False
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self.sockets.clear()

    def close(self):
        self.down()
        self.listener.close()


# Through Django's WSGI handler as gunicorn calls it: the test client would keep a broken
# connection (it disconnects `close_old_connections` from the request signals).
RECOVERY_SCRIPT = """
import json, sys
from wsgiref.util import setup_testing_defaults
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()

def status_of(path):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()
    return int(statuses[0].split()[0])

for line in sys.stdin:
    print(json.dumps([[path, status_of(path)] for path in ("/healthz", "/", "/labs/")]), flush=True)
"""


def _wait_for_other_sessions_to_end() -> None:
    """PostgreSQL ends the proxied sessions a moment after their sockets close; the test
    database cannot be dropped at the end of the run while one remains."""
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def test_the_site_recovers_without_a_restart_when_the_database_comes_back(db):
    if connection.vendor != "postgresql":
        pytest.skip("a real PostgreSQL server is needed (CI runs the suite on PostgreSQL)")
    settings_dict = connection.settings_dict
    proxy = SwitchableProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"])))
    url = f"postgres://{settings_dict['USER']}@127.0.0.1:{proxy.port}/{settings_dict['NAME']}"
    process = subprocess.Popen(
        [sys.executable, "-c", RECOVERY_SCRIPT],
        cwd=ROOT,
        # A persistent connection, as in production: it must not stay broken.
        env={**os.environ, **PRODUCTION, "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "60"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )

    def ask() -> dict[str, int]:
        process.stdin.write("\n")
        process.stdin.flush()
        return dict(json.loads(process.stdout.readline()))

    try:
        before = ask()
        proxy.down()
        during = ask()
        proxy.up = True
        after = ask()
    finally:
        process.kill()
        process.communicate()
        proxy.close()
        _wait_for_other_sessions_to_end()

    assert before == {"/healthz": 200, "/": 200, "/labs/": 200}
    assert during == {"/healthz": 503, "/": 503, "/labs/": 503}
    assert after == before
