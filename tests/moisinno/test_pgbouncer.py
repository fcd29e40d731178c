"""The app behind PgBouncer in transaction mode (`DATABASE_POOLER=transaction`).

A real PgBouncer (Debian's) in transaction mode stands in front of this test's PostgreSQL
database, with two server connections used in turn (`server_round_robin`): every statement of
the app's autocommit connection runs on the other server connection than the previous one, as
it does on a busy site. The app runs in a subprocess with its real settings (`moisinno.settings`
reads the environment) and is asked for `/healthz`, the programme and the CSV export through
Django's test client:

- without the setting, PgBouncer refuses the app's connection (its `options` startup
  parameter): `/healthz` answers 503 and no page renders;
- with it, every request works: `/healthz` 8 times, the programme page, and the CSV export,
  which streams the events with `.iterator()`;
- each half of the setting is needed: with server-side cursors back on, the export's cursor
  is declared on one server connection and fetched on the other ("cursor does not exist");
  with server-side binding and psycopg's own `prepare_threshold` (5), the health check's query
  is prepared on one connection and run on the other from its 6th execution on.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from events.enums import EventStatus
from tests.factories import EditionFactory, EventFactory
from tests.parallel import free_port

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"

# The app's subprocess reads what the test wrote: committed rows.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Run by the app's subprocess: argv[1] names what is changed from the settings as read.
APP = r"""
import csv, io, json, sys
import django
django.setup()
import psycopg
from django.db import connection
from django.test import Client

change = sys.argv[1]
if change == "server-side cursors":
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
elif change == "prepared statements":
    connection.settings_dict["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)

def attempt(step):
    try:
        return step()
    except Exception as error:  # what the app would have raised
        connection.close()
        return f"{type(error).__name__}: {error}"

def backends():
    with connection.cursor() as cursor:
        pids = []
        for _ in range(8):
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
        return pids

def export():
    response = client.get("/programme.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["title"] for row in csv.DictReader(io.StringIO(body))]

client = Client(raise_request_exception=False)
print(json.dumps({
    "backends": attempt(backends),
    "healthz": [client.get("/healthz").status_code for _ in range(8)],
    "programme": client.get("/programme/").status_code,
    "export": attempt(export),
    "prepare_threshold": attempt(lambda: connection.ensure_connection()
                                 or connection.connection.prepare_threshold),
}))
"""


class PgBouncer:
    """PgBouncer in transaction mode in front of the test database, on a free port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.db = connection.settings_dict
        self.process: subprocess.Popen | None = None
        self.port = 0

    def config(self) -> Path:
        target = f"host={self.db['HOST'] or '127.0.0.1'} port={self.db['PORT'] or 5432}"
        if self.db["PASSWORD"]:
            target += f" password={self.db['PASSWORD']}"
        (self.directory / "users.txt").write_text(f'"{self.db["USER"]}" ""\n')
        path = self.directory / "pgbouncer.ini"
        path.write_text(
            "[databases]\n"
            f"{self.db['NAME']} = {target} dbname={self.db['NAME']} user={self.db['USER']}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.directory / 'users.txt'}\n"
            "pool_mode = transaction\n"
            "default_pool_size = 2\n"
            "server_round_robin = 1\n"
            "logfile =\n"
            "pidfile =\n"
        )
        return path

    def start(self) -> None:
        self.directory.chmod(0o755)  # read again by `nobody` when running as root
        for _ in range(5):  # a free port may be taken before PgBouncer binds it: another one
            self.port = free_port()
            command = [PGBOUNCER, str(self.config())]
            if os.geteuid() == 0:  # PgBouncer refuses to run as root
                command[1:1] = ["-u", "nobody"]
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with psycopg.connect(self.dsn, connect_timeout=2) as conn:
                        conn.execute("SELECT 1")
                    return
                except psycopg.OperationalError:
                    time.sleep(0.1)
            self.stop()
        pytest.fail("PgBouncer did not start")

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={self.db['NAME']} user={self.db['USER']}"

    def open_two_server_connections(self) -> None:
        """Two transactions at once make PgBouncer open its two server connections; from then
        on it hands them out in turn."""
        first, second = psycopg.connect(self.dsn), psycopg.connect(self.dsn)
        with first, second:
            first.execute("SELECT 1")
            second.execute("SELECT 1")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def pgbouncer(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PgBouncer stands in front of PostgreSQL: run the suite on PostgreSQL")
    if not os.access(PGBOUNCER, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"{PGBOUNCER} is missing: CI installs Debian's pgbouncer (.ci/run)")
        pytest.skip("PgBouncer is not installed (apt-get install pgbouncer)")
    running = PgBouncer(tmp_path)
    running.start()
    running.open_two_server_connections()
    yield running
    running.stop()


@pytest.fixture
def programme():
    edition = EditionFactory(year=2026)
    titles = [
        EventFactory(edition=edition, status=EventStatus.PUBLISHED, title=f"Atelier {n}").title
        for n in range(3)
    ]
    EventFactory(edition=edition, title="Brouillon jamais publié")
    return sorted(titles)


def run_app(port: int, *, pooler: str, change: str = "") -> dict:
    db = connection.settings_dict
    leaky = {"DATABASE_URL", "DATABASE_POOLER", "CACHE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {
        **{name: value for name, value in os.environ.items() if name not in leaky},
        # Production settings: the error pages are the site's, not Django's debug page.
        "DEBUG": "false",
        "SECRET_KEY": "pgbouncer-test-only-not-a-real-secret-key-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "MOISINNO_PLAIN_STATIC": "true",
        "DJANGO_SETTINGS_MODULE": "moisinno.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}",
        "DATABASE_POOLER": pooler,
        "DATABASE_CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "testserver",
        "PAGE_CACHE_ENABLED": "false",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", APP, change],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_without_the_setting_pgbouncer_refuses_the_app(pgbouncer):
    app = run_app(pgbouncer.port, pooler="")

    assert app["healthz"] == [503] * 8
    assert app["programme"] == 503
    assert "unsupported startup parameter: options" in app["backends"]


@committed
def test_with_the_setting_every_request_works_through_pgbouncer(pgbouncer, programme):
    app = run_app(pgbouncer.port, pooler="transaction")

    # The same query 8 times, on the two server connections in turn.
    assert len(set(app["backends"])) == 2
    assert app["backends"][0::2] == [app["backends"][0]] * 4
    assert app["healthz"] == [200] * 8
    assert app["programme"] == 200
    # Streamed with `.iterator()`: every published event, whichever connection ran what.
    assert sorted(app["export"]) == programme
    assert app["prepare_threshold"] is None


@committed
def test_server_side_cursors_break_the_export_under_transaction_pooling(pgbouncer, programme):
    app = run_app(pgbouncer.port, pooler="transaction", change="server-side cursors")

    assert app["healthz"] == [200] * 8
    assert "InvalidCursorName" in app["export"]
    assert "does not exist" in app["export"]


@pytest.mark.django_db
def test_prepared_statements_break_the_health_check_under_transaction_pooling(pgbouncer):
    app = run_app(pgbouncer.port, pooler="transaction", change="prepared statements")

    # Prepared at its 6th run on one server connection; the other one does not know it.
    assert app["healthz"][:5] == [200] * 5
    assert 503 in app["healthz"][5:]
    assert "prepared statement" in app["backends"]


def test_an_unknown_pooler_stops_the_app():
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_app(9, pooler="statement")

    assert "DATABASE_POOLER='statement' is not understood" in failure.value.stderr
