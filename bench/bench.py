"""`make bench`: the public site under load, as a launch-day crowd gets it.

1. Two PostgreSQL databases, `moisinno_bench` (10,000 generated events, `--events`) and
   `moisinno_bench_100` (100 events), built once and reused (`--fresh` rebuilds them), analysed.
2. Server time and SQL queries of each page in-process on both, the page cache off: what a miss
   costs, and how it grows from 100 to 10,000 events.
3. gunicorn (production settings, `--workers 2`) on the 10,000-event database, loaded by wrk
   (Debian's package, installed if missing) on each page and on a ~25 KB static file in the
   same run: **cold** with the page cache off (every request renders), then **warm** with the
   page cache in Redis (127.0.0.1:6379, database 5) after one priming request. Every request
   says `Accept-Encoding: gzip, deflate, br, zstd`, as Chromium does.
4. The staff and organiser pages, logged in, in-process, nothing cached (`bench/staff_time.py`).
5. Churn: the warm site under random URLs over 444 pages while events change, none, every 30 s,
   every 5 s (`bench/churn.py`), each with its ratio to the no-change run.

6. Registration rush (`bench/confirm_registrations.py`): one session of `--rush-capacity`
   seats (300) and 500 requests waiting for their address's confirmation; the 500
   confirmations at once from 16 threads, through gunicorn when the confirmation page exists
   (else through the services from a separate process), while wrk loads the warm
   `/programme/`: p50 / p99 of a confirmation, errors, seats confirmed (exactly the capacity)
   and waiting, and the programme's ratio to the static file during the rush. Then the churn
   with a registration confirmed every second instead of the edits.

`--churn-only`, `--staff-only`, `--pdf-only` and `--registrations-only` run one part.
Prints Markdown tables: req/s, p50, p99, errors and the ratio to the static file's req/s.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from churn import REGISTRATION_RUNS, churn, churn_table, site_urls
from staff_time import staff_table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG = "postgres://postgres@127.0.0.1:5432/"
PORT = 8765
REDIS = "redis://127.0.0.1:6379/5"
# Collected static files, outside the checkout: whitenoise indexes STATIC_ROOT whenever it starts
# (every test client of `make test` included), so a `staticfiles/` left here slows the suite.
STATIC_ROOT = Path(tempfile.gettempdir()) / "moisinno-bench-static"
# What Chromium sends: whitenoise then serves the static file compressed, and the page cache
# its gzip copy, as a visitor gets them.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

PAGES = {
    "home `/`": "/",
    "`/programme/`": "/programme/",
    "programme, one filter": "/programme/?region=53",
    "programme, a search": "/programme/?q=atelier",
    "programme, a typo": "/programme/?q=atelir",
    "event page": "{event}",
    "calendar": "/programme/calendrier/",
    "ICS feed of a region": "/programme.ics?region=53",
}


def run(*args: str, env: dict | None = None, capture: bool = False) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return result.stdout if capture else ""


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql, capture=True
    ).strip()


def django_env(database: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "DATABASE_URL": PG + database,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DEMO_APP": "true",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(STATIC_ROOT),
        **extra,
    }


def generated_events(database: str) -> int:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists != "1":
        return -1
    try:
        return int(psql("SELECT count(*) FROM events_event WHERE is_generated", database) or -1)
    except subprocess.CalledProcessError:
        return -1


def ensure_database(database: str, events: int, fresh: bool) -> None:
    if not fresh and generated_events(database) == events:
        print(f"- {database}: {events} generated events, reused (migrated)")
        run(PYTHON, "manage.py", "migrate", "-v0", env=django_env(database))
        psql("VACUUM ANALYZE", database)
        return
    print(f"- {database}: building {events} generated events")
    psql(f'DROP DATABASE IF EXISTS "{database}"')
    psql(f'CREATE DATABASE "{database}"')
    env = django_env(database)
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo_data", "-v0", env=env)
    run(
        PYTHON,
        "manage.py",
        "generate_programme",
        "--events",
        str(events),
        "--clear",
        "--seed",
        "1",
        env=env,
    )
    psql("VACUUM ANALYZE", database)


def an_event_url(database: str) -> str:
    slug = psql(
        "SELECT e.slug FROM events_event e JOIN events_edition d ON d.id = e.edition_id "
        "WHERE d.is_current AND e.status = 'published' ORDER BY e.id LIMIT 1",
        database,
    )
    return f"/evenements/{slug}/"


def static_file() -> str:
    """A hashed CSS file of about 25 KB, from the collected files' manifest."""
    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    sizes = {
        hashed: (STATIC_ROOT / hashed).stat().st_size
        for name, hashed in manifest.items()
        if name.endswith(".css")
    }
    best = min(sizes, key=lambda name: abs(sizes[name] - 25_000))
    return f"/static/{best}", sizes[best]


def server_times(database: str, urls: dict[str, str]) -> dict:
    out = run(
        PYTHON, "bench/server_time.py", json.dumps(urls), env=django_env(database), capture=True
    )
    line = next(line for line in out.splitlines() if line.startswith("SERVER_TIME_JSON "))
    return json.loads(line.removeprefix("SERVER_TIME_JSON "))


class Server:
    def __init__(self, database: str, workers: int, **env: str):
        self.env = django_env(database, **env)
        self.workers = workers

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "moisinno.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(self.workers),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def load(url: str, duration: int, connections: int, threads: int) -> dict:
    full = f"http://127.0.0.1:{PORT}{url}"
    priming = urllib.request.Request(full, headers={"Accept-Encoding": ACCEPT_ENCODING})
    urllib.request.urlopen(priming, timeout=60).read()  # the warm run's miss
    out = run(
        "wrk",
        "-H",
        f"Accept-Encoding: {ACCEPT_ENCODING}",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        full,
        capture=True,
    )
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    data["rps"] = data["requests"] / data["seconds"]
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


def load_run(label: str, database: str, urls: dict, args, **env: str) -> dict:
    print(
        f"- {label}: gunicorn --workers {args.workers}, wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s per page",
        flush=True,
    )
    with Server(database, args.workers, **env):
        return {
            name: load(url, args.duration, args.connections, args.threads)
            for name, url in urls.items()
        }


def churn_run(database: str, args) -> dict:
    """The warm site under random URLs while events change (bench/churn.py)."""
    slugs = psql(
        "SELECT e.slug FROM events_event e JOIN events_edition d ON d.id = e.edition_id "
        "WHERE d.is_current AND e.status = 'published' ORDER BY e.id",
        database,
    ).split()
    run("redis-cli", "-n", "5", "FLUSHDB", capture=True)
    env = django_env(database, CACHE_URL=REDIS)
    with Server(database, args.workers, CACHE_URL=REDIS):
        return churn(f"http://127.0.0.1:{PORT}", site_urls(slugs), args.churn_duration, args, env)


def confirmations(*args: str, database: str) -> dict:
    out = run(
        PYTHON, "bench/confirm_registrations.py", *args, env=django_env(database), capture=True
    )
    return json.loads(out.strip().splitlines()[-1])


def registration_run(database: str, args) -> dict:
    """The registration rush, then the churn with a registration every second."""
    results: dict = {}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        tokens_file = handle.name
    print(
        f"- setting up: a session of {args.rush_capacity} seats, {args.rush_registrants} "
        "requests to confirm",
        flush=True,
    )
    setup = confirmations(
        "setup", str(args.rush_capacity), str(args.rush_registrants), tokens_file, database=database
    )
    run("redis-cli", "-n", "5", "FLUSHDB", capture=True)
    env = django_env(database, CACHE_URL=REDIS)
    static, _ = static_file()
    base = f"http://127.0.0.1:{PORT}"
    with Server(database, args.workers, CACHE_URL=REDIS):
        print("- static file and warm /programme/, no registration", flush=True)
        results["static"] = load(static, args.duration, args.connections, args.threads)
        results["programme"] = load("/programme/", args.duration, args.connections, args.threads)
        urllib.request.urlopen(base + setup["event"], timeout=60).read()
        rush = subprocess.Popen(
            [PYTHON, "bench/confirm_registrations.py", "rush", tokens_file, base, "16"],
            cwd=ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert rush.stdout.readline().strip() == "READY"
        print(
            f"- the rush: {args.rush_registrants} confirmations while wrk loads /programme/",
            flush=True,
        )
        rush.stdin.write("GO\n")
        rush.stdin.flush()
        results["during rush"] = load("/programme/", args.duration, args.connections, args.threads)
        out, _ = rush.communicate(timeout=600)
        results["rush"] = json.loads(out.strip().splitlines()[-1])
        results["counts"] = confirmations("counts", database=database)
        print("- churn with a registration every second", flush=True)
        slugs = psql(
            "SELECT e.slug FROM events_event e JOIN events_edition d ON d.id = e.edition_id "
            "WHERE d.is_current AND e.status = 'published' ORDER BY e.id",
            database,
        ).split()
        urls = [*site_urls(slugs), setup["trickle_event"]]
        results["churn"] = churn(base, urls, args.churn_duration, args, env, runs=REGISTRATION_RUNS)
    Path(tokens_file).unlink()
    return results


def registration_tables(results: dict, capacity: int) -> str:
    rush, counts = results["rush"], results["counts"]
    static = results["static"]["rps"]
    statuses = counts["statuses"]
    how = (
        "POSTed to the confirmation page through gunicorn"
        if rush["via"] == "http"
        else "through `registrations.services` from a separate process (16 threads, one "
        "connection each): the confirmation page did not answer"
    )
    lines = [
        f"Registration rush: {rush['confirmations']} confirmations on one session of "
        f"{capacity} seats, {how}, in {rush['seconds']:.1f} s:",
        "",
        table(
            [
                "confirmations",
                "seconds",
                "p50 ms",
                "p99 ms",
                "errors",
                "seats confirmed",
                "waiting",
                "session counters (taken / waiting)",
            ],
            [
                [
                    str(rush["confirmations"]),
                    f"{rush['seconds']:.1f}",
                    f"{rush['p50_ms']:.0f}",
                    f"{rush['p99_ms']:.0f}",
                    str(rush["errors"]),
                    str(statuses.get("confirmed", 0)),
                    str(statuses.get("waiting", 0)),
                    f"{counts['seats_taken']} / {counts['waiting_count']}",
                ]
            ],
        ),
        "",
        "Warm `/programme/` (page cache in Redis), ratio to the static file's req/s:",
        "",
        table(
            ["run", "req/s", "ratio to the static file", "p50 / p99 ms", "errors"],
            [
                [
                    label,
                    f"{results[key]['rps']:.0f}",
                    f"{results[key]['rps'] / static:.3f}",
                    f"{results[key]['p50_ms']:.1f} / {results[key]['p99_ms']:.1f}",
                    str(results[key]["errors"]),
                ]
                for label, key in (
                    ("static file", "static"),
                    ("no registration", "programme"),
                    ("during the rush", "during rush"),
                )
            ],
        ),
    ]
    if rush["first_errors"]:
        lines += ["", f"First errors: {rush['first_errors']}"]
    lines += [
        "",
        "Churn (random URLs, warm) with a registration confirmed every second:",
        "",
        churn_table(results["churn"]),
    ]
    return "\n".join(lines)


#: The printed programme (programme/paper): a region's, then the whole edition's.
PDF_SELECTIONS = {"PDF of a region": "region=53", "PDF of the whole programme": ""}


def pdf_times(database: str) -> dict:
    """Time and peak memory of each printed programme, one process each (bench/pdf_time.py)."""
    results = {}
    for label, query in PDF_SELECTIONS.items():
        print(f"- {label}", flush=True)
        out = run(PYTHON, "bench/pdf_time.py", query, env=django_env(database), capture=True)
        results[label] = json.loads(out.strip().splitlines()[-1])
    return results


def first_print_times(database: str) -> dict:
    """The first print of a fresh gunicorn worker, within the request: a small programme (an
    organisation's, at most `INLINE_MAX_EVENTS` events with its co-organised ones: the largest
    such) and an A4 poster, their QR codes cold, with WeasyPrint imported when the worker starts
    (gunicorn.conf.py) and without."""
    organisations = psql(
        "SELECT o.slug FROM organizers_organization o JOIN events_event e "
        "ON e.organization_id = o.id JOIN events_edition d ON d.id = e.edition_id "
        "WHERE d.is_current AND e.status = 'published' GROUP BY o.slug "
        "HAVING count(*) <= 12 ORDER BY count(*) DESC, o.slug LIMIT 40",
        database,
    ).split()
    events = psql(
        "SELECT e.slug FROM events_event e JOIN events_edition d ON d.id = e.edition_id "
        "WHERE d.is_current AND e.status = 'published' ORDER BY e.id DESC LIMIT 2",
        database,
    ).split()
    results = {}
    for preload, event in zip(("true", "false"), events, strict=True):
        with Server(database, 1, PAPER_PRELOAD=preload, CACHE_URL=REDIS):
            run("redis-cli", "-n", "5", "FLUSHDB", capture=True)
            # The largest selection still printed within the request (a larger one answers
            # 202, « being prepared », at once): each tried once, by one worker.
            while True:
                url = f"/programme.pdf?organisation={organisations.pop(0)}"
                start = time.perf_counter()
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{url}", timeout=60) as r:
                    if r.status == 202:
                        continue
                    assert r.status == 200 and r.read(5) == b"%PDF-", (url, r.status)
                results[("small programme", preload)] = time.perf_counter() - start
                break
            url = f"/evenements/{event}/affiche-a4.pdf"
            start = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{url}", timeout=60) as r:
                assert r.status == 200 and r.read(5) == b"%PDF-", (url, r.status)
            results[("A4 poster", preload)] = time.perf_counter() - start
    return results


def first_print_table(results: dict) -> str:
    rows = [
        [label, f"{results[(label, 'true')]:.2f}", f"{results[(label, 'false')]:.2f}"]
        for label in ("small programme", "A4 poster")
    ]
    return table(
        [
            "first print of a fresh worker, in the request",
            "WeasyPrint loaded at start (s)",
            "PAPER_PRELOAD=false (s)",
        ],
        rows,
    )


def pdf_table(results: dict) -> str:
    rows = [
        [
            f"{label} (`/programme.pdf?{PDF_SELECTIONS[label]}`)",
            str(data["events"]),
            str(data["pages"]),
            f"{data['bytes'] / 1e6:.1f} MB",
            f"{data['cold_s']:.1f}",
            f"{data['peak_mb']:.0f} MB",
            f"{data['cached_ms']:.1f}",
        ]
        for label, data in results.items()
    ]
    return table(
        [
            "PDF",
            "events",
            "pages",
            "size",
            "cold: printed and stored (s)",
            "cold: peak memory",
            "cached: served (ms)",
        ],
        rows,
    )


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("- installing wrk (Debian package)")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    fmt = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    lines = [fmt.format(*headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join([*lines, *(fmt.format(*r) for r in rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases")
    parser.add_argument(
        "--soak",
        type=int,
        default=0,
        metavar="SECONDS",
        help="then load the warm /programme/ alone this long (the budget: 300 s, 0 errors)",
    )
    parser.add_argument(
        "--churn-duration",
        type=int,
        default=60,
        metavar="SECONDS",
        help="length of each churn run (random URLs; no change, a change every 30 s, every 5 s)",
    )
    parser.add_argument("--churn-only", action="store_true", help="only the churn measurement")
    parser.add_argument(
        "--registrations-only",
        action="store_true",
        help="only the registration rush and the churn with a registration every second",
    )
    parser.add_argument("--rush-capacity", type=int, default=300, help="seats of the session")
    parser.add_argument(
        "--rush-registrants", type=int, default=500, help="confirmations of the rush"
    )
    parser.add_argument(
        "--staff-only",
        action="store_true",
        help="only the staff and organiser pages (logged in, in-process, cold)",
    )
    parser.add_argument(
        "--pdf-only",
        action="store_true",
        help="only the printed programme: a region's and the whole edition's, cold and cached",
    )
    args = parser.parse_args()
    big, small = "moisinno_bench", "moisinno_bench_100"
    if args.pdf_only:
        print("== databases")
        ensure_database(big, args.events, args.fresh)
        print("== printed programme (one process each; peak = maximum resident set)", flush=True)
        print()
        print(pdf_table(pdf_times(big)))
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=django_env(big))
        print()
        print(first_print_table(first_print_times(big)))
        return
    ensure_wrk()
    print("== databases")
    ensure_database(big, args.events, args.fresh)
    if args.staff_only:
        ensure_database(small, 100, args.fresh)
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=django_env(big))
        print("== staff and organiser pages", flush=True)
        print()
        print(staff_table(django_env(big), django_env(small)))
        return
    if args.registrations_only:
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=django_env(big))
        print("== registration rush", flush=True)
        registrations = registration_run(big, args)
        print()
        print(registration_tables(registrations, args.rush_capacity))
        return
    if args.churn_only:
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=django_env(big))
        print("== churn", flush=True)
        print()
        print(churn_table(churn_run(big, args)))
        return
    ensure_database(small, 100, args.fresh)
    urls = {name: url.format(event=an_event_url(big)) for name, url in PAGES.items()}
    small_urls = {name: url.format(event=an_event_url(small)) for name, url in PAGES.items()}

    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=django_env(big))
    print("== server time in-process, page cache off (median of 15)", flush=True)
    times_big = server_times(big, urls)
    times_small = server_times(small, small_urls)
    print("== staff and organiser pages, logged in, in-process (median of 11 rounds)", flush=True)
    staff = staff_table(django_env(big), django_env(small))

    print("== printed programme (one process each; peak = maximum resident set)", flush=True)
    pdfs = pdf_times(big)
    first_prints = first_print_times(big)

    print("== load", flush=True)
    static, static_size = static_file()
    loaded = {"static file": static, **urls}
    run("redis-cli", "-n", "5", "FLUSHDB", capture=True)
    cold = load_run("cold (page cache off)", big, loaded, args, PAGE_CACHE_ENABLED="false")
    warm = load_run("warm (page cache in Redis)", big, loaded, args, CACHE_URL=REDIS)
    print("== churn", flush=True)
    churned = churn_run(big, args)
    print("== registration rush", flush=True)
    registrations = registration_run(big, args)
    soak = None
    if args.soak:
        print(f"- soak: warm /programme/ for {args.soak} s", flush=True)
        with Server(big, args.workers, CACHE_URL=REDIS):
            soak = load("/programme/", args.soak, args.connections, args.threads)

    print()
    print(
        f"Load: {args.events:,} events, gunicorn {args.workers} workers, PostgreSQL, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page; static file "
        f"{static_size / 1000:.1f} KB ({static.rsplit('/', 1)[-1]})."
    )
    print()
    rows = []
    for name in loaded:
        row = [name]
        for result in (cold, warm):
            data, base = result[name], result["static file"]["rps"]
            row += [
                f"{data['rps']:.0f}",
                f"{data['rps'] / base:.3f}",
                f"{data['p50_ms']:.1f} / {data['p99_ms']:.1f}",
                str(data["errors"]),
            ]
        rows.append(row)
    print(
        table(
            [
                "page",
                "cold req/s",
                "cold ratio",
                "cold p50 / p99 ms",
                "cold errors",
                "warm req/s",
                "warm ratio",
                "warm p50 / p99 ms",
                "warm errors",
            ],
            rows,
        )
    )
    if soak:
        print()
        print(
            f"Soak, warm `/programme/`, {args.soak} s: {soak['rps']:.0f} req/s, p50 "
            f"{soak['p50_ms']:.1f} ms, p99 {soak['p99_ms']:.1f} ms, {soak['errors']} errors "
            f"over {soak['requests']:,} requests."
        )
    print()
    print(
        f"Churn: warm, each request a random URL among the site's 444, "
        f"{args.churn_duration} s per run:"
    )
    print()
    print(churn_table(churned))
    print()
    print(registration_tables(registrations, args.rush_capacity))
    print()
    print(
        "Server time in-process, page cache off (median of 15 requests, ms; SQL queries); "
        "« after a change »: median of 7 requests each right after a change of the public "
        "content, when the data kept by version is computed again:"
    )
    print()
    rows = []
    for name in urls:
        a, b = times_small[name], times_big[name]
        rows.append(
            [
                name,
                f"{a['median_ms']:.1f}",
                f"{b['median_ms']:.1f}",
                f"{b['median_ms'] / a['median_ms']:.2f}×",
                f"{b['changed_ms']:.1f}",
                str(a["queries"]),
                str(b["queries"]),
                f"{b['bytes'] / 1000:.0f} KB" if b["bytes"] else "streamed",
            ]
        )
    print(
        table(
            [
                "page",
                "100 events",
                f"{args.events:,} events",
                "ratio",
                f"{args.events:,}, after a change",
                "queries (100)",
                f"queries ({args.events:,})",
                "HTML",
            ],
            rows,
        )
    )
    print()
    print("Staff and organiser pages, logged in, in-process, nothing cached (median of 11 rounds):")
    print()
    print(staff)
    print()
    print(
        "Printed programme: cold is what the task worker spends printing and storing it (the "
        "request for a dozen events or fewer), cached is the request once it is stored:"
    )
    print()
    print(pdf_table(pdfs))
    print()
    print(first_print_table(first_prints))


if __name__ == "__main__":
    sys.exit(main())
