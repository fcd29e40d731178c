"""`make cluster`: two nodes behind HAProxy on loopback, checked for what several nodes break.

What runs (every process on 127.0.0.1, on ports the system had free, in a temporary folder):

- PostgreSQL: the machine's (127.0.0.1:5432), database `moisinno_cluster` (migrated, the demo
  data loaded once; `--fresh` rebuilds it), reached **through PgBouncer in transaction mode**
  (Debian's, `DATABASE_POOLER=transaction`), itself reaching PostgreSQL through a TCP pass-through
  of HAProxy, so that PostgreSQL can be cut off behind PgBouncer without touching the server
  other people use;
- Redis: a `redis-server` of its own (no persistence), so that it can be restarted for real
  without emptying the machine's Redis under anyone else's tests;
- S3: `moto_server` (the dev dependency `moto[server]`) with the bucket `moisinno-cluster`;
- two gunicorn nodes, A and B (production settings, 2 workers each, `--no-control-socket`),
  and one task worker (`manage.py db_worker`);
- HAProxy in front of the nodes: a health check of `/healthz` every 500 ms, a node out after 2
  failures and back after 2 successes; a node answering 503 (its database is down) stays in:
  it is alive and serves the French 503 page and the cached pages. HAProxy names the node of
  each answer in `X-Served-By`.

Then it checks, printing PASS or FAIL for each and a summary (exit status 1 on any FAIL):

1. an organiser's edit of a published event through node A is on the event page through node
   B at the next request; the lists show it within `PAGE_CACHE_LIST_DELAY` (default 30 s);
2. a session opened through A holds through B (and a logout through B ends it on A); the login
   lock-out and the password-reset limit count across A and B;
3. an image uploaded through A is stored in S3 (read back with boto3) and the event page through
   B shows it from S3, byte for byte;
4. one node killed (SIGKILL) under load: `wrk` through HAProxy for 30 s while an organiser
   submits a new event every 100 ms and a probe asks `/healthz` every 50 ms; node B is killed
   at 10 s and restarted at 12 s. Errors only for requests under way on B when it died (HAProxy
   lets at most `--node-maxconn` be; a handful in all), no lost write (every event answered 302
   is in the database), and B serves again through HAProxy once restarted;
5. Redis restarted, PgBouncer restarted, and PostgreSQL cut off behind PgBouncer, each for 5 s
   under the same load, with probes every 100 ms (the health check, a page never cached, a
   cached page, an unknown event, a failed login): never a 500 nor a hang, the French 503 page
   while the database is gone, no lost write, and every probe answers as usual again without
   restarting anything.

Everything it started is stopped at exit, Ctrl-C included. docs/cluster.md tells the results.
"""

# ruff: noqa: S603, S607 - a developer tool: starts redis-server, PgBouncer, HAProxy, wrk…

import argparse
import contextlib
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import boto3
import lxml.html
import psycopg
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
HERE = Path(__file__).resolve().parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
DATABASE = "moisinno_cluster"
BUCKET = "moisinno-cluster"
# Collected static files, kept between runs outside the checkout (as the benchmark's).
STATIC_ROOT = Path(tempfile.gettempdir()) / "moisinno-cluster-static"
WORKERS = 2  # gunicorn workers per node
OUTAGE_PAGE = "Service momentanément indisponible"
OUTAGE_RETRY_AFTER = 30  # moisinno.views.OUTAGE_RETRY_AFTER
#: PgBouncer's query_wait_timeout here: a query waits this long for a server connection.
QUERY_WAIT_TIMEOUT = 5
#: Check 4: failed requests allowed when a node dies (those it was serving: HAProxy sends it at
#: most --node-maxconn at once; wrk may count the connection HAProxy then closes as an error).
HANDFUL = 5
#: Check 5: an answer slower than this is a hang (a request waiting out query_wait_timeout
#: is not).
HANG_SECONDS = QUERY_WAIT_TIMEOUT + 1
EMAIL_DOMAIN = "grappe.example.gouv.fr"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, check, timeout: float = 60, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:  # noqa: BLE001, S110 - not ready yet: try again until the deadline
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(interval)


# Processes ------------------------------------------------------------------------------------


class Processes:
    """The processes the cluster started, each in its own process group, stopped at exit."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}
        self.groups: dict[int, str] = {}  # every process group ever started, killed ones too

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the script, which stops them in order
        )
        log.close()
        self.running[name] = process
        self.groups[process.pid] = name
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # Whatever the group still holds (a gunicorn worker whose master was killed).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def kill(self, name: str) -> None:
        """SIGKILL to the whole group at once, as a machine that dies."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> list[str]:
        """Stop everything; return what is somehow still running (nothing, normally)."""
        for name in reversed(list(self.running)):
            self.stop(name)
        left = []
        for group, name in self.groups.items():
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                continue
            left.append(f"{name} (process group {group})")
        return left

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(
            line[:300] for line in path.read_text(errors="replace").splitlines()[-lines:]
        )


# The cluster ----------------------------------------------------------------------------------


@dataclass
class Accounts:
    organizer: str
    lockout: str
    reset: str
    password: str
    event_pk: int = 0
    event_slug: str = ""
    organization_slug: str = ""


class Cluster:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="moisinno-cluster-"))
        self.tmp.chmod(0o755)  # PgBouncer reads its files as `nobody`
        self.processes = Processes(self.tmp)
        self.ports = {
            name: free_port()
            for name in ("front", "a", "b", "pgbouncer", "postgres", "redis", "s3")
        }
        self.run_id = secrets.token_hex(3)
        password = secrets.token_urlsafe(18)
        self.accounts = Accounts(
            organizer=f"organisatrice-{self.run_id}@{EMAIL_DOMAIN}",
            lockout=f"verrou-{self.run_id}@{EMAIL_DOMAIN}",
            reset=f"oubli-{self.run_id}@{EMAIL_DOMAIN}",
            password=password,
        )
        self.list_delay = int(os.environ.get("PAGE_CACHE_LIST_DELAY") or 30)
        self.redis_url = args.shared_redis or f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.figures: dict[str, dict] = {}

    # URLs
    def url(self, node: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[node]}{path}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def s3(self):
        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="cluster",
            aws_secret_access_key="cluster-secret",  # noqa: S106 - moto's, local only
        )

    def django_env(self, *, direct: bool = False, node: str = "") -> dict:
        """Production settings. `direct`: PostgreSQL itself (migrations, set-up), not PgBouncer."""
        database = (
            f"postgres://postgres@{PG_HOST}:{PG_PORT}/{DATABASE}"
            if direct
            else f"postgres://postgres@127.0.0.1:{self.ports['pgbouncer']}/{DATABASE}"
        )
        leaky = {"DEBUG", "DATABASE_URL", "CACHE_URL", "REDIS_URL", "GUNICORN_CMD_ARGS"}
        env = {name: value for name, value in os.environ.items() if name not in leaky}
        env.update(
            {
                "DEBUG": "false",
                "SECRET_KEY": "cluster-only-not-a-secret-" + "x" * 40,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "DATABASE_URL": database,
                "DATABASE_POOLER": "" if direct else "transaction",
                "DATABASE_CONN_MAX_AGE": "0",
                "CACHE_URL": self.redis_url,
                "S3_BUCKET": BUCKET,
                "S3_ENDPOINT_URL": self.s3_endpoint,
                "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "cluster",
                "S3_SECRET_ACCESS_KEY": "cluster-secret",
                "S3_DEFAULT_ACL": "public-read",
                "STATIC_ROOT": str(STATIC_ROOT),
                "MEDIA_ROOT": str(self.tmp / f"media-{node or 'other'}"),
                "EMAIL_BACKEND": "file",
                "EMAIL_FILE_PATH": str(self.tmp / "mail"),
                "SITE_URL": self.url("front").rstrip("/"),
                # Behind HAProxy, which appends the client's address to X-Forwarded-For.
                "TRUSTED_PROXY_COUNT": "1",
                # The writer of check 4 creates hundreds of drafts in a minute.
                "EVENT_CREATE_RATE_LIMIT": "",
                "WEB_CONCURRENCY": str(WORKERS),
                "DEMO_APP": "true",
                "LOG_LEVEL": "WARNING",
                "GEOCODER_URL": "http://127.0.0.1:9/",  # never the national service
            }
        )
        return env

    def manage(self, *args: str, env: dict | None = None) -> str:
        """A management command, straight to PostgreSQL (not through PgBouncer)."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.django_env(direct=True), **(env or {})},
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    # Services
    def start_redis(self) -> None:
        if self.args.shared_redis:  # someone else's server: only our database, emptied
            subprocess.run(
                ["redis-cli", "-u", self.redis_url, "FLUSHDB"], check=True, capture_output=True
            )
            return
        self.processes.start(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.ports["redis"]),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        wait_for(
            "Redis",
            lambda: (
                subprocess.run(
                    ["redis-cli", "-u", self.redis_url, "PING"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ),
        )

    def start_s3(self) -> None:
        self.processes.start(
            "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])]
        )
        wait_for("the S3 server", lambda: requests.get(self.s3_endpoint, timeout=1).ok)
        self.s3().create_bucket(Bucket=BUCKET)

    def write_pgbouncer_config(self) -> Path:
        (self.tmp / "pgbouncer-users.txt").write_text('"postgres" ""\n')
        path = self.tmp / "pgbouncer.ini"
        path.write_text(
            "[databases]\n"
            f"{DATABASE} = host=127.0.0.1 port={self.ports['postgres']} dbname={DATABASE}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.ports['pgbouncer']}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.tmp / 'pgbouncer-users.txt'}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 200\n"
            "default_pool_size = 10\n"
            # Try PostgreSQL again 1 s after a failed connection (default 15 s).
            "server_login_retry = 1\n"
            # A query waits at most this long for a server connection, then fails (PgBouncer's
            # default: 120 s, which a request caught in a database outage would wait out).
            f"query_wait_timeout = {QUERY_WAIT_TIMEOUT}\n"
            "log_connections = 0\n"
            "log_disconnections = 0\n"
            "logfile =\n"
            "pidfile =\n"
        )
        for name in ("pgbouncer.ini", "pgbouncer-users.txt"):
            (self.tmp / name).chmod(0o644)
        return path

    def start_pgbouncer(self) -> None:
        command = ["/usr/sbin/pgbouncer", str(self.tmp / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            command[1:1] = ["-u", "nobody"]
        self.processes.start("pgbouncer", command)
        wait_for(
            "PgBouncer",
            lambda: socket.create_connection(("127.0.0.1", self.ports["pgbouncer"])),
        )

    def write_haproxy_config(self) -> None:
        maxconn = self.args.node_maxconn
        (self.tmp / "haproxy.cfg").write_text(
            f"""global
    maxconn 2000
    stats socket {self.tmp / "haproxy.sock"} mode 600 level admin
    log stderr format raw local0

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    # A request HAProxy could not hand to a node (connection refused) goes to the other one.
    retries 3
    option redispatch 1

frontend site
    bind 127.0.0.1:{self.ports["front"]}
    # Only the requests that went wrong (haproxy.log).
    option httplog
    option dontlog-normal
    option forwardfor
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    # 503: the node is alive but its database is not; it still serves the French 503 page
    # and the cached pages, so it stays.
    http-check expect rstatus ^(200|503)$
    http-response set-header X-Served-By %s
    # At most as many requests on a node as it has workers: the others wait in HAProxy's
    # queue, where a dead node cannot take them with it. A connection refused by a node takes
    # it out at once (observe layer4), before its health check says so.
    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2 maxconn {maxconn}
    default-server observe layer4 error-limit 1 on-error mark-down
    server a 127.0.0.1:{self.ports["a"]} check
    server b 127.0.0.1:{self.ports["b"]} check

# PostgreSQL behind PgBouncer, through HAProxy so that check 5 can cut it off alone.
listen postgres
    mode tcp
    bind 127.0.0.1:{self.ports["postgres"]}
    timeout client 1h
    timeout server 1h
    server pg {PG_HOST}:{PG_PORT}
"""
        )

    def start_haproxy(self) -> None:
        self.processes.start(
            "haproxy", ["/usr/sbin/haproxy", "-db", "-f", str(self.tmp / "haproxy.cfg")]
        )
        wait_for("HAProxy", lambda: (self.tmp / "haproxy.sock").exists())

    def haproxy(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.tmp / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def node_status(self, node: str) -> str:
        """HAProxy's view of a node: UP, DOWN, "UP 1/2" (going down), "DOWN 1/2"…"""
        rows = csv.DictReader(io.StringIO(self.haproxy("show stat").lstrip("# ")))
        for row in rows:
            if row["pxname"] == "nodes" and row["svname"] == node:
                return row["status"]
        return "?"

    def start_node(self, node: str) -> None:
        self.processes.start(
            f"node-{node}",
            [
                str(BIN / "gunicorn"),
                "moisinno.wsgi",
                "--bind",
                f"127.0.0.1:{self.ports[node]}",
                "--workers",
                str(WORKERS),
                "--no-control-socket",
                "--access-logfile",
                str(self.tmp / f"node-{node}.access.log"),
            ],
            env=self.django_env(node=node),
        )

    def wait_node(self, node: str, timeout: float = 60) -> None:
        wait_for(
            f"node {node.upper()}",
            lambda: requests.get(self.url(node, "/healthz"), timeout=2).status_code == 200,
            timeout=timeout,
        )

    def start_worker(self) -> None:
        self.processes.start(
            "worker",
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "1"],
            env=self.django_env(node="worker"),
        )

    # The database
    def admin_sql(self, sql: str, database: str = "postgres") -> list[tuple]:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname=database, autocommit=True
        ) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def sql(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname=DATABASE, autocommit=True
        ) as conn:
            return conn.execute(sql, params).fetchall()

    def prepare_database(self) -> None:
        exists = self.admin_sql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"  # noqa: S608 - a constant
        )
        if exists and self.args.fresh:
            self.admin_sql(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = []
        if not exists:
            self.admin_sql(f'CREATE DATABASE "{DATABASE}"')
        # Behind PgBouncer the app sends no startup options: the planner's setting is the
        # database's own (docs/configuration.md, DATABASE_POOLER).
        self.admin_sql(f'ALTER DATABASE "{DATABASE}" SET random_page_cost = 1.1')
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_demo_data", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        wanted = {
            "organizer": self.accounts.organizer,
            "others": [self.accounts.lockout, self.accounts.reset],
            "password": self.accounts.password,
        }
        # `shell -c` takes no arguments: the code reads them from the environment.
        out = self.manage(
            "shell",
            "--no-imports",
            "-c",
            ACCOUNTS_SETUP,
            env={"CLUSTER_ACCOUNTS": json.dumps(wanted)},
        )
        found = json.loads(out.strip().splitlines()[-1])
        self.accounts.event_pk = found["event"]
        self.accounts.event_slug = found["slug"]
        self.accounts.organization_slug = found["organization"]

    def start(self) -> None:
        step("services: Redis, S3, HAProxy, PgBouncer")
        self.start_redis()
        self.start_s3()
        self.write_haproxy_config()
        self.start_haproxy()
        self.write_pgbouncer_config()
        self.start_pgbouncer()
        step(f"database {DATABASE}: migrate, demo data, accounts; static files")
        self.prepare_database()
        step("nodes A and B (gunicorn), the task worker")
        for node in ("a", "b"):
            self.start_node(node)
        self.start_worker()
        for node in ("a", "b"):
            self.wait_node(node)
        wait_for(
            "HAProxy's view of the nodes",
            lambda: self.node_status("a") == "UP" and self.node_status("b") == "UP",
            timeout=20,
        )
        step(
            f"front http://127.0.0.1:{self.ports['front']}/ — node A :{self.ports['a']}, "
            f"node B :{self.ports['b']}, PgBouncer :{self.ports['pgbouncer']}, "
            f"Redis {self.redis_url}, S3 :{self.ports['s3']}; files in {self.tmp}"
        )

    def stop(self, *, keep_files: bool) -> None:
        left = self.processes.stop_all()
        if self.args.shared_redis:  # leave the shared server as it was found: our database empty
            subprocess.run(["redis-cli", "-u", self.redis_url, "FLUSHDB"], capture_output=True)
        print(f"still running: {', '.join(left)}" if left else "nothing left running", flush=True)
        if keep_files:
            print(f"logs and configuration kept in {self.tmp}", flush=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# Run by `manage.py shell -c` with the cluster's settings: the organiser of a published event of
# the current edition, two more accounts (the lock-out, the password reset), verified.
ACCOUNTS_SETUP = """
import json, os
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from events.models import Event
from events.selectors import current_edition
from organizers.enums import MembershipRole, MembershipStatus
from organizers.models import Membership

wanted = json.loads(os.environ["CLUSTER_ACCOUNTS"])
event = (
    Event.objects.filter(edition=current_edition(), status="published", image="")
    .order_by("pk").first()
)
users = {}
for email in [wanted["organizer"], *wanted["others"]]:
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    user.set_password(wanted["password"])
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    users[email] = user
Membership.objects.get_or_create(
    user=users[wanted["organizer"]], organization=event.organization,
    defaults={"role": MembershipRole.ADMIN, "status": MembershipStatus.ACTIVE},
)
print(json.dumps({"event": event.pk, "slug": event.slug, "organization": event.organization.slug}))
"""


# Browsing -------------------------------------------------------------------------------------


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connections from a given loopback address (any 127.x.y.z is this machine)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


_visitors = iter(range(2, 1_000_000))
_probes = iter(range(1, 1_000_000_000))
_visitors_lock = threading.Lock()


def visitor_session() -> requests.Session:
    """A session from an address of its own (127.0.x.y): through HAProxy, the app counts its
    per-IP limits (30 logins a minute…) for each visitor apart, as it would on the Internet."""
    with _visitors_lock:
        number = next(_visitors)
    session = requests.Session()
    session.mount("http://", SourceAddress(f"127.0.{number // 250 % 250}.{number % 250 + 2}"))
    return session


def page_form(response: requests.Response, *, field: str = "", action_contains: str = ""):
    """The page's POST form that has the input `field` (or whose action contains…)."""
    document = lxml.html.fromstring(response.content)
    for form in document.forms:
        if form.method.upper() != "POST" or action_contains not in (form.action or ""):
            continue
        if not field or field in form.inputs:
            return form
    raise RuntimeError(f"no such form on {response.url} ({response.status_code})")


def form_data(form, overrides: dict) -> list[tuple[str, str]]:
    """What a browser would send: the form's values, with `overrides` replacing theirs."""
    data = [(name, value) for name, value in form.form_values() if name not in overrides]
    for name, value in overrides.items():
        data += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
    return data


def submit(
    session: requests.Session,
    page_url: str,
    overrides: dict,
    *,
    files: dict | None = None,
    field: str = "",
    action_contains: str = "",
) -> requests.Response:
    """GET `page_url`, fill its form in, POST it."""
    page = session.get(page_url, timeout=30)
    form = page_form(page, field=field, action_contains=action_contains)
    action = urljoin(page.url, form.action or page.url)
    return session.post(
        action,
        data=form_data(form, overrides),
        files=files,
        allow_redirects=False,
        timeout=30,
    )


def log_in(cluster: Cluster, session: requests.Session, node: str, email: str, password: str):
    return submit(
        session,
        cluster.url(node, "/compte/login/"),
        {"login": email, "password": password},
        field="login",
    )


# Reporting ------------------------------------------------------------------------------------


@dataclass
class Report:
    results: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, name: str, passed: bool, detail: str) -> bool:
        self.results.append((name, passed, detail))
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)
        return passed

    def summary(self) -> int:
        failed = [name for name, passed, _ in self.results if not passed]
        print()
        print(f"== summary: {len(self.results) - len(failed)} PASS, {len(failed)} FAIL")
        for name, passed, detail in self.results:
            print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
        return 1 if failed else 0


STARTED = time.monotonic()


def step(message: str) -> None:
    print(f"== [{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


# Check 1: a change through A, seen through B --------------------------------------------------


def event_edit_page(cluster: Cluster, node: str) -> str:
    return cluster.url(
        node, f"/espace-organisateur/evenements/{cluster.accounts.event_pk}/modifier/"
    )


def event_page(cluster: Cluster, node: str) -> str:
    return cluster.url(node, f"/evenements/{cluster.accounts.event_slug}/")


def check_change_visible(cluster: Cluster, report: Report, organizer: requests.Session) -> None:
    anonymous = requests.Session()
    # The organisation's page lists its events (a card, with the title).
    lists = [cluster.url("b", f"/organisateurs/{cluster.accounts.organization_slug}/")]
    # Node B has the event page and the lists in the shared page cache.
    for url in [event_page(cluster, "b"), *lists]:
        anonymous.get(url, timeout=30)
    cached = anonymous.get(event_page(cluster, "b"), timeout=30).headers.get("X-Cache")

    form = page_form(organizer.get(event_edit_page(cluster, "a"), timeout=30), field="title")
    old_title = re.sub(r" \[grappe \w+\]$", "", dict(form.form_values())["title"])
    marker = f"[grappe {cluster.run_id}]"
    new_title = f"{old_title[: 199 - len(marker)]} {marker}"
    saved = organizer.post(
        event_edit_page(cluster, "a"),
        data=form_data(form, {"title": new_title}),
        allow_redirects=False,
        timeout=30,
    )
    saved_at = time.monotonic()
    page = anonymous.get(event_page(cluster, "b"), timeout=30)
    report.check(
        "1. change through A, event page through B at once",
        # Meaningful only if B had the old page in the shared cache.
        cached == "hit" and saved.status_code == 302 and marker in page.text,
        f"edit through A answered {saved.status_code}; B's event page had X-Cache {cached} "
        f"before, then at the next request X-Cache {page.headers.get('X-Cache')}, "
        f"{'with' if marker in page.text else 'WITHOUT'} the new title",
    )

    seen = {}
    deadline = saved_at + cluster.list_delay + 5
    while len(seen) < len(lists) and time.monotonic() < deadline:
        for url in lists:
            if url not in seen and marker in anonymous.get(url, timeout=30).text:
                seen[url] = time.monotonic() - saved_at
        time.sleep(0.5)
    report.check(
        "1. change through A, lists through B within the bound",
        len(seen) == len(lists),
        ", ".join(
            f"{urlsplit(url).path} after {seen[url]:.1f} s" if url in seen else f"{url} NEVER"
            for url in lists
        )
        + f" (bound: PAGE_CACHE_LIST_DELAY {cluster.list_delay} s)",
    )


# Check 2: sessions and rate limits across nodes -----------------------------------------------


def check_sessions_and_limits(cluster: Cluster, report: Report, organizer: requests.Session):
    through_b = organizer.get(cluster.url("b", "/espace-organisateur/"), allow_redirects=False)
    logged_in_on_b = through_b.status_code == 200 and "Se déconnecter" in through_b.text
    # A second session, logged in through B and logged out through B: over on A too.
    other = requests.Session()
    log_in(cluster, other, "b", cluster.accounts.organizer, cluster.accounts.password)
    on_a = other.get(cluster.url("a", "/espace-organisateur/"), allow_redirects=False)
    submit(
        other,
        cluster.url("b", "/compte/logout/"),
        {},
        action_contains="logout",
    )
    after = other.get(cluster.url("a", "/espace-organisateur/"), allow_redirects=False)
    report.check(
        "2. sessions across nodes",
        logged_in_on_b and on_a.status_code == 200 and after.status_code == 302,
        f"logged in through A, organiser space through B: {through_b.status_code}"
        f"{' (logged in)' if logged_in_on_b else ''}; logged in through B, through A: "
        f"{on_a.status_code}; logged out through B, through A: {after.status_code} "
        f"(to {after.headers.get('Location', '-')})",
    )

    outcomes = []
    for attempt in range(7):
        node = "ab"[attempt % 2]
        password = cluster.accounts.password if attempt == 6 else "mauvais-mot-de-passe"
        answer = log_in(cluster, requests.Session(), node, cluster.accounts.lockout, password)
        refused = answer.status_code == 429 or "Trop de tentatives" in answer.text
        outcomes.append(f"{node.upper()}:{'refused' if refused else answer.status_code}")
    expected = [f"{'ab'[i % 2].upper()}:200" for i in range(5)] + ["B:refused", "A:refused"]
    report.check(
        "2. login lock-out across nodes",
        outcomes == expected,
        f"5 wrong passwords, then a wrong one and the right one, alternating: {' '.join(outcomes)}",
    )

    statuses = []
    for attempt in range(5):
        node = "ab"[attempt % 2]
        answer = submit(
            requests.Session(),
            cluster.url(node, "/compte/password/reset/"),
            {"email": cluster.accounts.reset},
            field="email",
        )
        statuses.append(f"{node.upper()}:{answer.status_code}")
    report.check(
        "2. password-reset limit across nodes",
        statuses == ["A:302", "B:302", "A:302", "B:429", "A:429"],
        f"5 requests for one address, alternating: {' '.join(statuses)} (limit: 3 in 15 min)",
    )


# Check 3: an image through A, from S3 through B -----------------------------------------------


def a_photo() -> bytes:
    image = Image.new("RGB", (1200, 800))
    pixels = image.load()
    for x in range(0, 1200, 4):
        for y in range(0, 800, 4):
            pixels[x, y] = (x % 256, y % 256, (x * y) % 256)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def check_image(cluster: Cluster, report: Report, organizer: requests.Session) -> None:
    s3 = cluster.s3()
    before = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    saved = submit(
        organizer,
        event_edit_page(cluster, "a"),
        {"image_alt": "Une mosaïque de couleurs", "image_decorative": []},
        files={"image_file": ("photo.png", a_photo(), "image/png")},
        field="title",
    )
    after = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    new = sorted(after - before)
    page = requests.get(event_page(cluster, "b"), timeout=30)
    document = lxml.html.fromstring(page.content)
    sources = [
        src
        for img in document.iter("img")
        if (src := img.get("src", "")).startswith(cluster.s3_endpoint)
    ]
    served = requests.get(sources[0], timeout=30) if sources else None
    key = urlsplit(sources[0]).path.removeprefix(f"/{BUCKET}/") if sources else ""
    stored = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() if key in after else b""
    local = [path for path in cluster.tmp.glob("media-*/**/*") if path.is_file()]
    same = served is not None and served.content == stored
    report.check(
        "3. image through A, stored in S3, served through B",
        saved.status_code == 302
        and bool(new)
        and served is not None
        and served.status_code == 200
        and same
        and not local,
        f"upload through A answered {saved.status_code}; {len(new)} new objects in the "
        f"bucket ({', '.join(new)}); B's event page shows {len(sources)} image(s) from "
        f"{cluster.s3_endpoint}; {sources[0] if sources else '-'} answered "
        f"{served.status_code if served is not None else '-'} "
        f"({served.headers.get('Content-Type') if served is not None else '-'}), "
        f"{'the bucket’s bytes' if same else 'NOT the bucket’s bytes'}; "
        f"{len(local)} file(s) on the nodes' disks",
    )


# Load: wrk, a writer, a prober ----------------------------------------------------------------


@dataclass
class Answer:
    at: float  # seconds since the load started
    path: str
    status: int  # 0: no answer (connection error, timeout)
    node: str
    elapsed: float
    error: str = ""
    french_503: bool = False
    retry_after: str = ""


class Writer:
    """An organiser submitting « Référencer un événement » through HAProxy every `interval`,
    each draft titled with its number; every answer recorded."""

    def __init__(self, cluster: Cluster, label: str, interval: float = 0.1):
        self.cluster = cluster
        self.label = label
        self.interval = interval
        self.answers: dict[int, Answer] = {}
        self.titles: dict[int, str] = {}
        self.stopping = threading.Event()
        self.local = threading.local()
        session = visitor_session()
        log_in(cluster, session, "front", cluster.accounts.organizer, cluster.accounts.password)
        self.cookies = session.cookies.get_dict()
        page = session.get(cluster.url("front", "/espace-organisateur/evenements/nouveau/"))
        self.form = page_form(page, field="title")
        self.action = urljoin(page.url, self.form.action or page.url)
        self.values = dict(self.form.form_values())

    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = visitor_session()
            self.local.session.cookies.update(self.cookies)
        return self.local.session

    def write(self, number: int, started: float) -> None:
        title = f"Écriture {self.label} n° {number} ({self.cluster.run_id})"
        self.titles[number] = title
        begin = time.monotonic()
        try:
            response = self.session().post(
                self.action,
                data=form_data(
                    self.form,
                    {
                        "title": title,
                        "summary": "Un brouillon écrit par make cluster.",
                    },
                ),
                allow_redirects=False,
                timeout=30,
            )
            answer = Answer(
                begin - started,
                "POST",
                response.status_code,
                response.headers.get("X-Served-By", "-"),
                time.monotonic() - begin,
                french_503=OUTAGE_PAGE in response.text,
            )
        except requests.RequestException as error:
            answer = Answer(
                begin - started, "POST", 0, "-", time.monotonic() - begin, f"{error!r}"[:300]
            )
        self.answers[number] = answer

    def run(self, started: float) -> None:
        with ThreadPoolExecutor(max_workers=6) as pool:
            number = 0
            while not self.stopping.is_set():
                number += 1
                pool.submit(self.write, number, started)
                self.stopping.wait(self.interval)

    def in_database(self) -> set[int]:
        rows = self.cluster.sql(
            "SELECT title FROM events_event WHERE title LIKE %s",
            (f"Écriture {self.label} n° % ({self.cluster.run_id})",),
        )
        return {int(re.search(r"n° (\d+) ", title).group(1)) for (title,) in rows}

    def verdict(self) -> tuple[bool, str, dict]:
        stored = self.in_database()
        succeeded = {n for n, a in self.answers.items() if a.status == 302}
        failed = {n: a for n, a in self.answers.items() if a.status != 302}
        lost = sorted(succeeded - stored)
        # No answer within 30 s: a hang. A connection closed without an answer is an error the
        # user sees (as a 502 would be), not a hang.
        hung = {n: a for n, a in failed.items() if a.status == 0 and "Timeout" in a.error}
        errors = Counter(a.status or a.error.split("(", 1)[0] for a in failed.values())
        figures = {
            "writes": len(self.answers),
            "succeeded": len(succeeded),
            "errors": len(failed),
            "errors_stored": len(set(failed) & stored),
            "lost": len(lost),
            "hung": len(hung),
            "slowest_s": max((a.elapsed for a in self.answers.values()), default=0),
        }
        for number, answer in sorted(failed.items())[:5]:
            print(
                f"      writer n° {number} at {answer.at:.2f} s: {answer.status or answer.error} "
                f"(node {answer.node}, {answer.elapsed:.2f} s)",
                flush=True,
            )
        detail = (
            f"{len(self.answers)} submissions, {len(succeeded)} answered 302 and all "
            f"{'in' if not lost else 'NOT in'} the database ({len(lost)} lost"
            f"{': ' + str(lost[:10]) if lost else ''}), {len(failed)} error answers "
            f"({dict(errors) or 'none'}; {len(set(failed) & stored)} of them stored anyway), "
            f"{len(hung)} without an answer within 30 s; slowest {figures['slowest_s']:.1f} s"
        )
        return not lost and not hung, detail, figures

    def failures(self) -> list[Answer]:
        return [a for a in self.answers.values() if a.status != 302]


#: A Prober path: a login attempt with a wrong password for an address nobody has (counted by
#: the login rate limits, in Redis; each from its own address, so that none is refused).
LOGIN = "LOGIN"


class Prober:
    """A request through HAProxy every `interval` (several at once when they are slow), in turn
    from `paths`: `{n}` becomes a new number (a page no cache has), `LOGIN` a failed login.
    Each answer is recorded with its node and times."""

    def __init__(self, cluster: Cluster, paths: list[str], interval: float = 0.1):
        self.cluster = cluster
        self.paths = paths
        self.interval = interval
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def probe(self, number: int, started: float) -> None:
        unique = f"{self.cluster.run_id}x{next(_probes)}"  # never twice in a run, whichever check
        path = self.paths[number % len(self.paths)].format(n=unique)
        session = visitor_session()
        begin = time.monotonic()
        try:
            if path == LOGIN:
                address = f"personne-{unique}@{EMAIL_DOMAIN}"
                response = session.get(self.cluster.url("front", "/compte/login/"), timeout=30)
                if response.status_code == 200:  # else: the login page's own answer
                    form = page_form(response, field="login")
                    response = session.post(
                        urljoin(response.url, form.action or response.url),
                        data=form_data(form, {"login": address, "password": "pas-le-bon"}),
                        allow_redirects=False,
                        timeout=30,
                    )
            else:
                response = session.get(self.cluster.url("front", path), timeout=30)
            answer = Answer(
                begin - started,
                path,
                response.status_code,
                response.headers.get("X-Served-By", "-"),
                time.monotonic() - begin,
                french_503=OUTAGE_PAGE in response.text,
                retry_after=response.headers.get("Retry-After", ""),
            )
        except (requests.RequestException, RuntimeError) as error:
            answer = Answer(
                begin - started, path, 0, "-", time.monotonic() - begin, f"{error!r}"[:300]
            )
        self.answers.append(answer)

    def run(self, started: float) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            number = 0
            while not self.stopping.is_set():
                number += 1
                pool.submit(self.probe, number, started)
                self.stopping.wait(self.interval)


def load_paths(cluster: Cluster) -> list[str]:
    slugs = [
        slug
        for (slug,) in cluster.sql(
            "SELECT e.slug FROM events_event e JOIN events_edition d ON d.id = e.edition_id "
            "WHERE d.is_current AND e.status = 'published' ORDER BY e.id LIMIT 6"
        )
    ]
    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    return [
        "/",
        "/programme/",
        "/programme/?region=53",
        "/programme/?q=atelier",
        "/programme/calendrier/",
        "/labs/",
        f"/static/{manifest['css/moisinno.css']}",
        *(f"/evenements/{slug}/" for slug in slugs),
    ]


def under_load(
    cluster: Cluster,
    seconds: int,
    actions: list[tuple[float, str, object]],
    workers: list,
    *,
    linger=None,
    linger_timeout: float = 60,
) -> dict:
    """wrk through HAProxy for `seconds`, with `workers` (a writer, probers) running beside it,
    and each action `(at, label, function)` called at its time with the start's clock; once wrk
    is done, the workers go on until `linger()` is true (at most `linger_timeout` seconds).
    Returns wrk's figures and when each action began (seconds since the start)."""
    paths = cluster.tmp / "paths.txt"
    paths.write_text("\n".join(load_paths(cluster)) + "\n")
    for path in paths.read_text().split():  # every page in the cache first
        requests.get(cluster.url("front", path), timeout=30)
    wrk = subprocess.Popen(
        [
            "wrk",
            f"-t{cluster.args.threads}",
            f"-c{cluster.args.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "load.lua"),
            cluster.url("front", "/"),
            "--",
            str(paths),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    started = time.monotonic()
    threads = [
        threading.Thread(target=worker.run, args=(started,), daemon=True) for worker in workers
    ]
    for thread in threads:
        thread.start()
    marks = {}
    try:
        for at, label, action in actions:
            time.sleep(max(0, started + at - time.monotonic()))
            marks[label] = round(time.monotonic() - started, 2)
            action(started)
        out, _ = wrk.communicate(timeout=seconds + 60)
        if linger is not None:
            with contextlib.suppress(RuntimeError):
                wait_for("linger", linger, timeout=linger_timeout, interval=0.2)
    finally:
        if wrk.poll() is None:
            os.killpg(wrk.pid, signal.SIGKILL)
            wrk.wait()
        for worker in workers:
            worker.stopping.set()
        for thread in threads:
            thread.join(timeout=60)
    line = next((line for line in out.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk said: {out}")
    figures = json.loads(line.removeprefix("WRK_JSON "))
    figures["socket_errors"] = sum(
        figures[name] for name in ("connect", "read", "write", "timeout")
    )
    figures["error_statuses"] = {
        code: count for code, count in figures["statuses"].items() if int(code) >= 400
    }
    return {"wrk": figures, "marks": marks}


def describe_wrk(figures: dict) -> str:
    return (
        f"wrk: {figures['requests']:,} requests in {figures['seconds']:.0f} s "
        f"({figures['requests'] / figures['seconds']:.0f} req/s, p50 {figures['p50_ms']:.0f} ms, "
        f"p99 {figures['p99_ms']:.0f} ms, max {figures['max_ms']:.0f} ms), statuses "
        f"{figures['statuses']}, by node {figures['nodes']}, socket errors "
        f"{figures['socket_errors']}"
        + (
            " ("
            + ", ".join(
                f"{name} {figures[name]}"
                for name in ("connect", "read", "write", "timeout")
                if figures[name]
            )
            + ")"
            if figures["socket_errors"]
            else ""
        )
    )


# Check 4: a node killed under load ------------------------------------------------------------


class HAProxyWatcher:
    """Records each change of HAProxy's view of a node (UP, "DOWN 1/2", DOWN, …)."""

    def __init__(self, cluster: Cluster, node: str):
        self.cluster = cluster
        self.node = node
        self.states: list[tuple[float, str]] = []
        self.stopping = threading.Event()

    def run(self, started: float) -> None:
        last = ""
        while not self.stopping.is_set():
            status = self.cluster.node_status(self.node)
            if status != last:
                self.states.append((round(time.monotonic() - started, 2), status))
                last = status
            self.stopping.wait(0.05)


def check_node_killed(cluster: Cluster, report: Report) -> None:
    seconds, kill_at, restart_at = 30, 10, 12
    writer = Writer(cluster, "nœud tué")
    prober = Prober(cluster, ["/healthz"], interval=0.05)
    watcher = HAProxyWatcher(cluster, "b")
    healthy = {}

    def restart(started: float) -> None:
        healthy["restarted"] = time.monotonic() - started
        cluster.start_node("b")
        cluster.wait_node("b", timeout=90)
        healthy["at"] = time.monotonic() - started

    def b_serves_again() -> bool:
        return "at" in healthy and any(
            a.node == "b" and a.at > healthy["restarted"] for a in list(prober.answers)
        )

    result = under_load(
        cluster,
        seconds,
        [
            (kill_at, "kill B", lambda started: cluster.processes.kill("node-b")),
            (restart_at, "restart B", restart),
        ],
        [writer, prober, watcher],
        linger=b_serves_again,
    )
    figures, marks = result["wrk"], result["marks"]
    killed, restarted = marks["kill B"], marks["restart B"]
    down_at = next((at for at, s in watcher.states if s.startswith("DOWN") and at > killed), None)
    up_at = next((at for at, s in watcher.states if s == "UP" and at > restarted), None)
    first_b = next((a.at for a in prober.answers if a.node == "b" and a.at > restarted), None)
    probe_failures = [a for a in prober.answers if a.status != 200]
    for answer in probe_failures[:5]:
        print(
            f"      probe {answer.path} at {answer.at:.2f} s: {answer.status or answer.error} "
            f"(node {answer.node}, {answer.elapsed:.2f} s)",
            flush=True,
        )
    wrk_errors = figures["socket_errors"] + sum(figures["error_statuses"].values())
    write_ok, write_detail, write_figures = writer.verdict()
    # The writer's and the probe's failures carry their times: each must have been under way
    # when B was killed (wrk's cannot be placed in time, only counted).
    timed = [*probe_failures, *writer.failures()]
    late = [a for a in timed if not (a.at <= killed + 0.1 and a.at + a.elapsed >= killed - 0.1)]
    all_errors = wrk_errors + len(timed)
    report.check(
        "4. node B killed under load: errors only in flight on B",
        all_errors <= HANDFUL and not late,
        f"{describe_wrk(figures)}; {all_errors} failed requests in all (wrk {wrk_errors}, "
        f"writer {write_figures['errors']}, health probe {len(probe_failures)}; bound "
        f"{HANDFUL}), of the timed ones {len(timed) - len(late)} under way at the kill and "
        f"{len(late)} not; HAProxy let at most {cluster.args.node_maxconn} requests be on B",
    )
    report.check(
        "4. node B killed under load: HAProxy routes around it",
        down_at is not None,
        f"killed at {killed:.1f} s, marked DOWN by HAProxy at {down_at:.1f} s "
        f"({down_at - killed:.1f} s later); HAProxy's states of B: {watcher.states}"
        if down_at is not None
        else f"killed at {killed:.1f} s, never marked DOWN: {watcher.states}",
    )
    report.check("4. node B killed under load: no lost write", write_ok, write_detail)
    report.check(
        "4. node B killed under load: B rejoins after restart",
        up_at is not None and first_b is not None,
        f"restarted at {restarted:.1f} s, answering /healthz itself at "
        f"{healthy.get('at', float('nan')):.1f} s, UP in HAProxy at {up_at} s, first request "
        f"through HAProxy served by B at "
        + (
            f"{first_b:.1f} s ({first_b - restarted:.1f} s after the restart)"
            if first_b is not None
            else "NEVER"
        ),
    )
    cluster.figures["node kill"] = {
        "wrk": figures,
        "marks": marks,
        "haproxy_states_b": watcher.states,
        "writes": write_figures,
        "probe_failures": len(probe_failures),
        "down_after_s": None if down_at is None else round(down_at - killed, 2),
        "healthy_after_s": round(healthy["at"] - restarted, 2) if healthy else None,
        "rejoin_after_s": None if first_b is None else round(first_b - restarted, 2),
    }


# Check 5: outages under load ------------------------------------------------------------------


#: What each probe of check 5 is, and what it answers when nothing is broken.
OUTAGE_PROBES = {
    "/healthz": ("health check", 200),
    "/programme/?q=sonde{n}": ("page never cached", 200),
    "/programme/": ("cached page", 200),
    "/evenements/inconnu-{n}/": ("unknown event", 404),
    LOGIN: ("failed login (rate limits in Redis)", 200),
}


def probe_kind(path: str) -> tuple[str, int]:
    for pattern, kind in OUTAGE_PROBES.items():
        if path == pattern or re.fullmatch(re.escape(pattern).replace(r"\{n\}", r"\w+"), path):
            return kind
    return (path, 200)


def check_outage(
    cluster: Cluster, report: Report, name: str, cut, restore, *, database: bool
) -> None:
    seconds, cut_at, restore_at = 16, 4, 9
    writer = Writer(cluster, name)
    prober = Prober(cluster, list(OUTAGE_PROBES))
    result = under_load(
        cluster,
        seconds,
        [(cut_at, "cut", cut), (restore_at, "restore", restore)],
        [writer, prober],
    )
    figures, marks = result["wrk"], result["marks"]
    answers = sorted(prober.answers, key=lambda a: a.at)
    # Under way at some moment of the outage.
    during = [a for a in answers if a.at < marks["restore"] and a.at + a.elapsed > marks["cut"]]
    normal = [a for a in answers if a.status == probe_kind(a.path)[1]]
    server_errors = [a for a in answers if a.status >= 500 and a.status != 503]
    unanswered = [a for a in answers if a.status == 0]
    # A 503 is the French page with Retry-After (the health check's is JSON).
    bad_503 = [
        a
        for a in answers
        if a.status == 503
        and a.path != "/healthz"
        and not (a.french_503 and a.retry_after == str(OUTAGE_RETRY_AFTER))
    ]
    slowest = max(answers, key=lambda a: a.elapsed, default=None)
    too_slow = [a for a in answers if a.elapsed > HANG_SECONDS]
    after = [a for a in answers if a.at >= marks["restore"]]

    recovered = next(
        (
            a.at
            for a in after
            if all(b.status == probe_kind(b.path)[1] for b in after if b.at >= a.at)
        ),
        None,
    )
    for answer in [*server_errors, *unanswered, *bad_503, *too_slow][:8]:
        print(
            f"      probe {answer.path} at {answer.at:.2f} s: "
            f"{answer.status or answer.error} ({answer.elapsed:.2f} s)",
            flush=True,
        )
    write_ok, write_detail, write_figures = writer.verdict()
    wrk_unexpected = {code: n for code, n in figures["error_statuses"].items() if code != "503"}
    by_kind: dict[str, Counter] = {}
    for answer in during:
        by_kind.setdefault(probe_kind(answer.path)[0], Counter())[answer.status] += 1
    statuses_during = Counter(a.status for a in during)
    before = [a for a in answers if a.at + a.elapsed < marks["cut"]]
    latency = {
        label: round(statistics.median(a.elapsed for a in group), 2) if group else None
        for label, group in (("before", before), ("during", during), ("after", after))
    }
    back = (
        f"{recovered:.1f} s ({recovered - marks['restore']:.1f} s after)" if recovered else "NEVER"
    )
    ok = (
        not server_errors
        and not unanswered
        and not bad_503
        and not too_slow
        and not wrk_unexpected
        and figures["socket_errors"] == 0
        and recovered is not None
        and write_ok
        and (not database or statuses_during.get(503, 0) > 0)
    )
    report.check(
        f"5. {name} under load",
        ok,
        f"cut at {marks['cut']:.1f} s, back at {marks['restore']:.1f} s; "
        f"{len(answers)} probes ({len(normal)} answered as usual), during the outage: "
        + "; ".join(f"{kind} {dict(counts)}" for kind, counts in by_kind.items())
        + f" ({sum(a.french_503 for a in during)} French 503 pages, Retry-After "
        f"{OUTAGE_RETRY_AFTER}); 500s {len(server_errors)}, no answer {len(unanswered)}, "
        f"probes' median time before / during / after the outage {latency['before']} / "
        f"{latency['during']} / {latency['after']} s, slowest "
        f"{slowest.elapsed if slowest else 0:.2f} s "
        f"({slowest.path if slowest else '-'}, bound {HANG_SECONDS} s); every probe as usual "
        f"again from {back}; {describe_wrk(figures)}; writer: {write_detail}",
    )
    cluster.figures[name] = {
        "wrk": figures,
        "marks": marks,
        "probes": len(answers),
        "probes_during": {kind: dict(counts) for kind, counts in by_kind.items()},
        "server_errors": len(server_errors),
        "unanswered": len(unanswered),
        "slowest_probe_s": round(slowest.elapsed, 2) if slowest else None,
        "probe_median_s": latency,
        "recovered_after_s": None if recovered is None else round(recovered - marks["restore"], 2),
        "writes": write_figures,
    }


def check_outages(cluster: Cluster, report: Report) -> None:
    def redis_cut(started: float) -> None:
        cluster.processes.kill("redis")

    def redis_restore(started: float) -> None:
        cluster.start_redis()

    if cluster.args.shared_redis:
        print("SKIP  5. Redis restart: --shared-redis (a server other people use)", flush=True)
    else:
        check_outage(cluster, report, "Redis restart", redis_cut, redis_restore, database=False)

    def pgbouncer_cut(started: float) -> None:
        cluster.processes.kill("pgbouncer")

    def pgbouncer_restore(started: float) -> None:
        cluster.start_pgbouncer()

    check_outage(
        cluster, report, "PgBouncer restart", pgbouncer_cut, pgbouncer_restore, database=True
    )

    def postgres_cut(started: float) -> None:
        # PostgreSQL unreachable behind PgBouncer: HAProxy's pass-through refuses new
        # connections and cuts the open ones, as a PostgreSQL restart would.
        cluster.haproxy("disable server postgres/pg")
        cluster.haproxy("shutdown sessions server postgres/pg")

    def postgres_restore(started: float) -> None:
        cluster.haproxy("enable server postgres/pg")

    check_outage(
        cluster,
        report,
        "PostgreSQL cut off behind PgBouncer",
        postgres_cut,
        postgres_restore,
        database=True,
    )


# Main -----------------------------------------------------------------------------------------


def ensure_tools() -> None:
    missing = [
        package
        for package, path in (
            ("haproxy", "/usr/sbin/haproxy"),
            ("pgbouncer", "/usr/sbin/pgbouncer"),
            ("wrk", shutil.which("wrk")),
            ("redis-server", shutil.which("redis-server")),
        )
        if not path or not os.access(path, os.X_OK)
    ]
    if missing:
        step(f"installing Debian's {' '.join(missing)}")
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--node-maxconn", type=int, default=WORKERS, help="requests HAProxy sends a node at once"
    )
    parser.add_argument(
        "--only", default="12345", help="the checks to run, e.g. --only 14 (default: all)"
    )
    parser.add_argument(
        "--hold", action="store_true", help="after the checks, keep the cluster up until Ctrl-C"
    )
    parser.add_argument(
        "--shared-redis",
        metavar="URL",
        help="use this Redis database (emptied first; e.g. redis://127.0.0.1:6379/11) rather "
        "than a server of the cluster's own; the Redis restart is then skipped",
    )
    parser.add_argument("--keep-files", action="store_true", help="keep the logs and configs")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()

    ensure_tools()

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    # Also when started in the background, where SIGINT would be ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
    cluster = Cluster(args)
    report = Report()
    status = None
    try:
        cluster.start()
        organizer = requests.Session()
        log_in(cluster, organizer, "a", cluster.accounts.organizer, cluster.accounts.password)
        if "1" in args.only:
            step("1. a change through node A, seen through node B")
            check_change_visible(cluster, report, organizer)
        if "2" in args.only:
            step("2. sessions and rate limits across nodes")
            check_sessions_and_limits(cluster, report, organizer)
        if "3" in args.only:
            step("3. an image uploaded through A, from S3 through B")
            check_image(cluster, report, organizer)
        if "4" in args.only:
            step("4. node B killed under load (30 s; SIGKILL at 10 s, restarted at 12 s)")
            check_node_killed(cluster, report)
        if "5" in args.only:
            step("5. Redis, PgBouncer, PostgreSQL outages under load (16 s; 5 s outage each)")
            check_outages(cluster, report)
        if args.json:
            args.json.write_text(json.dumps(cluster.figures, indent=2, ensure_ascii=False))
        status = report.summary()
        if args.hold:
            step(
                f"holding: front {cluster.url('front')}, organiser "
                f"{cluster.accounts.organizer} / {cluster.accounts.password} — Ctrl-C to stop"
            )
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        status = status if status is not None else 130
    except Exception:
        for name in ("node-a", "node-b", "pgbouncer", "haproxy", "worker", "s3", "redis"):
            if tail := cluster.processes.tail(name, lines=8):
                print(f"--- {name}.log (end)\n{tail}", file=sys.stderr)
        status = 1
        raise
    finally:
        step("stopping everything")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # nor stop the stopping
            signal.signal(sig, signal.SIG_IGN)
        cluster.stop(keep_files=args.keep_files or status != 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
