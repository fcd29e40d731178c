"""The rate limits hold across processes: two real gunicorn servers with production settings,
one SQLite database file and the shared cache in Redis (the xdist worker's own database,
tests/parallel.py), requests alternating
between them as a load balancer spreads them over workers.

Without the shared cache each process counts on its own (the issue: the login lock-out came
at attempt 11 instead of 6, and 7 password-reset requests sent 7 e-mails); `check --deploy`
refuses that configuration (tests/moisinno/test_security_headers.py).
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
import requests

from tests.parallel import listening_socket, worker_redis_url
from tests.servers import end_process

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "chef@modernisation.gouv.fr"
PASSWORD = "Un-mot-de-passe-bien-long-2026"

SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_superuser("{EMAIL}", "{EMAIL}", "{PASSWORD}")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


def production_env(tmp: Path, cache_url: str) -> dict[str, str]:
    leaky = {"DEBUG", "CACHE_URL", "REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in leaky and not k.startswith("RATE_LIMIT_")
        },
        "DEBUG": "false",
        "SECRET_KEY": "two-workers-test-only-not-a-real-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "CACHE_URL": cache_url,
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "MOISINNO_PLAIN_STATIC": "true",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "moisinno.settings",
    }


class Servers:
    """Two gunicorn servers (one worker each) on one database and one cache, and a browser
    whose requests alternate between them."""

    def __init__(self, tmp: Path, cache_url: str, *, servers: int = 2, workers: int = 1) -> None:
        self.tmp = tmp
        self.env = production_env(tmp, cache_url)
        # Each gunicorn is handed a socket already listening: never a port taken meanwhile.
        self.sockets = [listening_socket() for _ in range(servers)]
        self.ports = [sock.getsockname()[1] for sock in self.sockets]
        self.workers = workers
        self.processes: list[subprocess.Popen] = []
        self.session = requests.Session()
        self.turn = 0

    def start(self, database: Path | None = None) -> None:
        """`database`: a copy of it (migrated, with the superuser) rather than running SETUP."""
        if database is None:
            subprocess.run(
                [sys.executable, "-c", SETUP], cwd=ROOT, env=self.env, check=True, timeout=120
            )
        else:
            shutil.copy(database, self.tmp / "db.sqlite3")
        for sock in self.sockets:
            self.processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "moisinno.wsgi",
                        "--bind",
                        f"fd://{sock.fileno()}",
                        "--workers",
                        str(self.workers),
                        "--no-control-socket",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    pass_fds=[sock.fileno()],
                )
            )
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    def stop(self) -> None:
        self.session.close()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            end_process(process, timeout=30)
        for sock in self.sockets:
            sock.close()

    def url(self, path: str) -> str:
        """The next server in turn, as a load balancer would pick it."""
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        return f"http://127.0.0.1:{port}{path}"

    def post_form(self, path: str, data: dict) -> requests.Response:
        page = self.session.get(self.url(path))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.session.post(
            self.url(path),
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            allow_redirects=False,
        )

    def reset_emails(self) -> int:
        with contextlib.closing(sqlite3.connect(self.tmp / "db.sqlite3")) as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM moisinno_outgoingemail WHERE template = ?",
                ("account/email/password_reset_key",),
            ).fetchone()
        return count


def login_attempts_before_lockout(servers: Servers, attempts: int = 12) -> list[str]:
    outcomes = []
    for _ in range(attempts):
        response = servers.post_form("/compte/login/", {"login": EMAIL, "password": "mauvais"})
        if response.status_code == 429 or "Trop de tentatives" in response.text:
            outcomes.append("refused")
        else:
            outcomes.append("checked")
    return outcomes


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The migrated database with its superuser, made once for the module: each test's servers
    start on a copy of it."""
    tmp = tmp_path_factory.mktemp("limits-database")
    subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env=production_env(tmp, ""),
        check=True,
        timeout=120,
    )
    path = tmp / "db.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every write in the file that is copied
    return path


@pytest.fixture
def servers(tmp_path, redis_url, database):
    running = Servers(tmp_path, redis_url)
    try:
        running.start(database)
        yield running
    finally:
        running.stop()


def test_the_login_lock_out_holds_at_the_sixth_attempt_across_two_servers(servers):
    outcomes = login_attempts_before_lockout(servers)

    assert outcomes == ["checked"] * 5 + ["refused"] * 7
    # The right password, on either server, is refused too.
    for _ in range(2):
        response = servers.post_form("/compte/login/", {"login": EMAIL, "password": PASSWORD})
        assert response.status_code != 302
        assert "Trop de tentatives" in response.text


def test_password_reset_emails_are_limited_across_two_servers(servers):
    statuses = [
        servers.post_form("/compte/password/reset/", {"email": EMAIL}).status_code for _ in range(7)
    ]

    assert statuses == [302] * 3 + [429] * 4
    assert servers.reset_emails() == 3


def measure(cache_url: str, reset_limit: str | None) -> tuple[int | None, int]:
    """(the attempt at which the login lock-out first refuses, of 12; password-reset e-mails
    sent for 7 requests), on ONE gunicorn with 2 workers, as in the issue."""
    with tempfile.TemporaryDirectory() as tmp:
        running = Servers(Path(tmp), cache_url, servers=1, workers=2)
        if reset_limit:
            running.env["RATE_LIMIT_PASSWORD_RESET"] = reset_limit
        try:
            running.start()
            outcomes = login_attempts_before_lockout(running)
            for _ in range(7):
                running.post_form("/compte/password/reset/", {"email": EMAIL})
            emails = running.reset_emails()
        finally:
            running.stop()
    first = outcomes.index("refused") + 1 if "refused" in outcomes else None
    print(f"  login outcomes: {' '.join(o[0] for o in outcomes)} (c = checked, r = refused)")
    return first, emails


if __name__ == "__main__":
    # .venv/bin/python -m tests.moisinno.test_limits_across_workers
    REDIS_URL = worker_redis_url()
    runs = (
        # What the issue measured: allauth's default reset limit, each worker its own cache.
        ("before: per-process cache, allauth's 5/m/key", "", "20/m/ip,5/m/key"),
        ("per-process cache, 3/15m/key", "", None),
        ("after: Redis, 3/15m/key", REDIS_URL, None),
    )
    for label, cache_url, reset_limit in runs:
        redis.Redis.from_url(REDIS_URL).flushdb()
        first, emails = measure(cache_url, reset_limit)
        print(f"{label}: lock-out at attempt {first}; {emails} reset e-mails for 7 requests")
    redis.Redis.from_url(REDIS_URL).flushdb()
