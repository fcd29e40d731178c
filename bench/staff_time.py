"""Server time and SQL queries of the staff and organiser pages, in-process, logged in.

The pages nobody caches: a DITP moderator's admin (the event list, the moderation queue, an
event's change page, the statistics) and an organiser's space (the dashboard of the organisation
with the most events, one of its event forms). Each page is requested `WARM_UP` times and its
queries are counted once; then `repeat` rounds (11 by default) request each page once in turn,
and a page's time is the median of its requests, the page cache off
(`PAGE_CACHE_ENABLED=false`): what every request of these users costs. Taking the pages in
turns, as a moderator does, rather than one page's requests in a row spreads a few seconds of
load from elsewhere on the host over all the pages, one request each, instead of over every
request of the page measured at that moment. The garbage collector is settled as in a gunicorn
worker (`moisinno.garbage`, from gunicorn.conf.py), and each request's time includes the
collection after its response.

Everything runs in one transaction rolled back at the end: the moderator, the organiser's
membership, their sessions and a short moderation history of the measured event (five log
entries, two internal notes, a visitor's report, a lab and a co-organiser if it has none: the
generated programme has no history) are created for the measurement and leave the database as
it was.

`bench/bench.py` calls `staff_table(django_env(big), django_env(small))` once the static files
are collected (the admin's pages link them through the manifest): it runs this file in a
subprocess with each environment and returns a Markdown table, the 10,000-event times and
queries with the 100-event ones beside them; `staff_times(env)` returns the figures. Run alone, the
file prints one line, `STAFF_TIME_JSON {…}` (`--table`: the table), for the database of its
environment:

    .venv/bin/python -c "import sys; sys.path[:0] = ['bench']; import bench, staff_time; \
        print(staff_time.staff_table(bench.django_env('moisinno_bench')))"
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PREFIX = "STAFF_TIME_JSON "
WARM_UP = 3
REPEAT = 11
#: The budget of issue 25: each page at most 50 ms in-process, the dashboard under 100 KB.
BUDGET_MS = 50
DASHBOARD_BUDGET_BYTES = 100_000

PAGES = {
    "admin: event list (all statuses)": "admin_list",
    "admin: moderation queue": "admin_queue",
    "admin: an event's change page": "admin_change",
    "admin: statistics": "admin_statistics",
    "organiser: dashboard": "dashboard",
    "organiser: event form": "event_form",
}


def staff_times(database_env: dict) -> dict:
    """{label: {median_ms, best_ms, queries, bytes, url}} and `_context`, measured in a
    subprocess with `database_env` (the environment `bench.django_env` builds)."""
    out = subprocess.run(
        [PYTHON, str(Path(__file__).resolve())],
        cwd=ROOT,
        env=database_env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith(PREFIX))
    return json.loads(line.removeprefix(PREFIX))


def table(results: dict, small: dict | None = None) -> str:
    """The Markdown table of `staff_times`' results, with the context above it; with `small`
    (the same pages on a small database), its times and queries beside them."""
    context = results["_context"]
    headers = ["page", "median ms", "best ms", "Python CPU ms", "queries", "HTML", "budget"]
    if small:
        events = f"{small['_context']['events']:,}"
        headers[4:4] = [f"median ms ({events} events)"]
        headers[6:6] = [f"queries ({events} events)"]
    rows = []
    for label in PAGES:
        data = results[label]
        within = data["median_ms"] <= BUDGET_MS
        if label == "organiser: dashboard":
            within = within and data["bytes"] < DASHBOARD_BUDGET_BYTES
        row = [
            label,
            f"{data['median_ms']:.1f}",
            f"{data['best_ms']:.1f}",
            f"{data['cpu_ms']:.1f}",
            str(data["queries"]),
            f"{data['bytes'] / 1000:.0f} KB",
            "ok" if within else "OVER",
        ]
        if small:
            row[4:4] = [f"{small[label]['median_ms']:.1f}"]
            row[6:6] = [str(small[label]["queries"])]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    fmt = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    lines = [fmt.format(*headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    intro = (
        f"Staff and organiser pages, logged in, in-process, page cache off (median of "
        f"{context['repeat']} rounds taking the pages in turn, after {WARM_UP} warm-up requests "
        f"each; budget ≤ {BUDGET_MS} ms, "
        f"dashboard < {DASHBOARD_BUDGET_BYTES // 1000} KB): {context['events']:,} events; the "
        f"organiser's organisation has {context['organization_events']} events of the current "
        "edition. « Python CPU »: the median processor time of this process alone (the SQL "
        "is PostgreSQL's), steadier than the time when other work shares the host."
    )
    return "\n".join([intro, "", *lines, *(fmt.format(*r) for r in rows)])


def staff_table(database_env: dict, small_env: dict | None = None) -> str:
    """What `bench/bench.py` prints: `table(staff_times(database_env))`; with `small_env` (the
    environment of the 100-event database), its times and queries beside them."""
    small = staff_times(small_env) if small_env else None
    return table(staff_times(database_env), small)


# The measurement itself, in the subprocess (Django set up).


def _prepare(client, url: str) -> dict:
    """`url` warmed up (`WARM_UP` requests) and its queries counted, on one more request."""
    from django.db import connection  # noqa: PLC0415 - app registry

    for _ in range(WARM_UP):
        response = _get(client, url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = _get(client, url)
    return {"url": url, "queries": len(queries), "bytes": len(response.content)}


def _timed(client, url: str) -> tuple[float, float]:
    """The wall and processor milliseconds of one request of `url`."""
    started, started_cpu = time.perf_counter(), time.process_time()
    _get(client, url)
    return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000


def _measure(pages: dict, repeat: int) -> dict:
    """{label: figures} for `pages` ({label: (client, url)}): each prepared, then timed in
    `repeat` rounds that request every page once, in turn."""
    results = {label: _prepare(client, url) for label, (client, url) in pages.items()}
    timings: dict[str, list[float]] = {label: [] for label in pages}
    cpu: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(repeat):
        for label, (client, url) in pages.items():
            wall_ms, cpu_ms = _timed(client, url)
            timings[label].append(wall_ms)
            cpu[label].append(cpu_ms)
    for label, figures in results.items():
        figures["median_ms"] = round(statistics.median(timings[label]), 1)
        figures["best_ms"] = round(min(timings[label]), 1)
        figures["cpu_ms"] = round(statistics.median(cpu[label]), 1)
    return results


def _get(client, url: str):
    """A request as a gunicorn worker serves it (gunicorn.conf.py): with the collection of
    its garbage after the response (`post_request`), counted in its time although the
    visitor, who already has the response, does not wait for it."""
    from moisinno.garbage import collect_after_request  # noqa: PLC0415 - app registry

    response = client.get(url)
    collect_after_request()
    return response


def _subjects() -> dict:
    """The moderator, the organiser, the measured events and their URLs (inside the
    transaction that `main` rolls back)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - app registry
    from django.contrib.auth.models import Group  # noqa: PLC0415 - app registry
    from django.db.models import Count  # noqa: PLC0415 - app registry
    from django.urls import reverse  # noqa: PLC0415 - app registry

    from events.enums import EventStatus  # noqa: PLC0415 - app registry
    from events.models import (  # noqa: PLC0415 - app registry
        Event,
        EventNote,
        EventReport,
        ModerationLogEntry,
    )
    from events.selectors import current_edition  # noqa: PLC0415 - app registry
    from labs.models import Lab  # noqa: PLC0415 - app registry
    from moisinno.roles import MODERATOR_GROUP  # noqa: PLC0415 - app registry
    from organizers.enums import MembershipRole, MembershipStatus  # noqa: PLC0415 - app registry
    from organizers.models import Membership, Organization  # noqa: PLC0415 - app registry

    users = get_user_model().objects
    moderator = users.create_user(
        username="bench-moderator", email="bench-moderator@example.org", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    organiser = users.create_user(username="bench-organiser", email="bench-organiser@example.org")
    edition = current_edition()
    busiest = (
        Event.objects.filter(edition=edition)
        .values("organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization")
        .first()
    )
    Membership.objects.create(
        user=organiser,
        organization_id=busiest["organization"],
        role=MembershipRole.ADMIN,
        status=MembershipStatus.ACTIVE,
    )
    # The event at the top of the queue (the oldest submission: what a moderator opens
    # first), with a short moderation history.
    queued = (
        Event.objects.filter(edition=edition, status=EventStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
        .first()
    )
    for from_status, to_status in [
        (EventStatus.DRAFT, EventStatus.SUBMITTED),
        (EventStatus.SUBMITTED, EventStatus.CHANGES_REQUESTED),
        (EventStatus.CHANGES_REQUESTED, EventStatus.SUBMITTED),
    ]:
        ModerationLogEntry.objects.create(
            event=queued,
            from_status=from_status,
            to_status=to_status,
            actor=moderator,
            actor_role="moderator",
            message="Précisez le lieu, s'il vous plaît.",
        )
    for _ in range(2):
        ModerationLogEntry.objects.create(
            event=queued,
            from_status=EventStatus.SUBMITTED,
            to_status=EventStatus.SUBMITTED,
            actor=moderator,
            actor_role="moderator",
            kind=ModerationLogEntry.EDIT,
            changes=[{"field": "title", "label": "Titre", "before": "Avant", "after": "Après"}],
        )
    for text in ("Organisation contactée par téléphone.", "Attendre sa réponse."):
        EventNote.objects.create(event=queued, author=moderator, text=text)
    EventReport.objects.create(
        event=queued, kind=EventReport.Kind.OTHER, message="L'adresse semble erronée."
    )
    # A lab and a co-organiser, whichever event tops the queue: their pickers read the chosen
    # ones (a query each, none when there are none), so both databases measure the same page.
    if not queued.labs.exists():
        queued.labs.add(Lab.objects.order_by("pk").first())
    if not queued.co_organizers.exists():
        queued.co_organizers.add(
            Organization.objects.exclude(pk=queued.organization_id).order_by("pk").first()
        )
    # The organiser's form: an editable event of that organisation (changes requested, else a
    # draft, else a published one).
    editable = (
        Event.objects.filter(
            edition=edition,
            organization_id=busiest["organization"],
            status__in=[EventStatus.DRAFT, EventStatus.CHANGES_REQUESTED, EventStatus.PUBLISHED],
        )
        .order_by("status", "pk")
        .first()
    )
    return {
        "moderator": moderator,
        "organiser": organiser,
        "events": Event.objects.count(),
        "organization_events": busiest["n"],
        "urls": {
            "admin_list": reverse("admin:events_event_changelist") + "?status=tous",
            "admin_queue": reverse("admin:events_event_changelist"),
            "admin_change": reverse("admin:events_event_change", args=[queued.pk]),
            "admin_statistics": reverse("admin:events_event_statistics"),
            "dashboard": reverse("organizers:dashboard"),
            "event_form": reverse("organizers:event_update", args=[editable.pk]),
        },
    }


def main(repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moisinno.settings")
    import django  # noqa: PLC0415 - app registry

    django.setup()
    from django.db import transaction  # noqa: PLC0415 - app registry
    from django.test import Client  # noqa: PLC0415 - app registry
    from django.test.utils import override_settings  # noqa: PLC0415 - app registry

    from moisinno.garbage import settle_worker  # noqa: PLC0415 - app registry

    settle_worker()  # as gunicorn.conf.py does once the worker has loaded the application
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], PAGE_CACHE_ENABLED=False),
        transaction.atomic(),
    ):
        subjects = _subjects()
        moderator, organiser = Client(), Client()
        moderator.force_login(subjects["moderator"])
        organiser.force_login(subjects["organiser"])
        pages = {
            label: (
                organiser if key in ("dashboard", "event_form") else moderator,
                subjects["urls"][key],
            )
            for label, key in PAGES.items()
        }
        results = _measure(pages, repeat)
        results["_context"] = {
            "repeat": repeat,
            "events": subjects["events"],
            "organization_events": subjects["organization_events"],
        }
        transaction.set_rollback(True)
    return results


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--table"]
    measured = main(int(arguments[0]) if arguments else REPEAT)
    print(table(measured) if "--table" in sys.argv else PREFIX + json.dumps(measured))
