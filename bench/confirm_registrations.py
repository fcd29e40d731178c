"""On-platform registrations for `make bench` (« registration rush »), run with the environment
of the benchmark database and its Redis page cache (bench/bench.py):

- `setup CAPACITY REGISTRANTS TOKENS_FILE`: a published event of the current edition takes
  registrations on the platform with one session of CAPACITY seats and a waiting list, in a
  month; REGISTRANTS pending requests (addresses not confirmed yet), whose confirmation tokens
  go to TOKENS_FILE; another event with an unlimited session for `trickle`. Prints a JSON line.
- `rush TOKENS_FILE BASE_URL THREADS`: once READY is printed and a line is read on stdin, every
  request is confirmed at once from THREADS threads: through gunicorn (POST of the
  confirmation link, `registrations:confirm`) when that page exists, else through
  `registrations.services.registrant_confirm` from this process, each thread with its own
  database connection. Prints a JSON line: latencies, errors, how.
- `trickle INTERVAL DURATION`: a registration confirmed every INTERVAL seconds on the
  unlimited session (its state never changes: only the event's page is out of date), as
  bench/change_events.py changes events. Prints how many.
- `counts`: the rush session's seats taken, people waiting, and its registrations by status.
"""

import http.cookiejar
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moisinno.settings")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.enums import EventStatus, RegistrationMode  # noqa: E402
from events.models import Event, EventSession  # noqa: E402
from moisinno.pagecache import public_content_changed  # noqa: E402
from registrations import services, tokens  # noqa: E402
from registrations.models import Registrant, Registration  # noqa: E402

RUSH_TITLE = "Atelier de la ruée (banc d'essai)"
TRICKLE_TITLE = "Webinaire sans limite (banc d'essai)"


def _bench_events() -> tuple[Event, Event]:
    published = Event.objects.filter(
        status=EventStatus.PUBLISHED, edition__is_current=True
    ).order_by("pk")
    return published[1], published[2]


def _prepare(event: Event, title: str, capacity: int | None) -> EventSession:
    """The event registers on the platform, with one session in a month (its others gone);
    its earlier registrations deleted, its counters back to zero."""
    Registrant.objects.filter(event=event).delete()
    day = timezone.localdate() + datetime.timedelta(days=30)
    event.title = title
    event.registration_mode = RegistrationMode.PLATFORM
    event.save(update_fields=["title", "registration_mode"])
    sessions = list(event.sessions.order_by("pk"))
    EventSession.objects.filter(event=event).exclude(pk=sessions[0].pk).delete()
    EventSession.objects.filter(pk=sessions[0].pk).update(
        date=day,
        start_time=datetime.time(14),
        end_time=datetime.time(16),
        capacity=capacity,
        waiting_list=True,
        registration_closes_at=None,
        seats_taken=0,
        waiting_count=0,
        registration_rank=0,
    )
    public_content_changed()
    return EventSession.objects.get(pk=sessions[0].pk)


def setup(capacity: int, registrants: int, tokens_file: str) -> None:
    rush, trickle = _bench_events()
    session = _prepare(rush, RUSH_TITLE, capacity)
    _prepare(trickle, TRICKLE_TITLE, None)
    links = []
    for index in range(registrants):
        registrant = services.registrant_register(
            event=rush,
            sessions=[session],
            name=f"Personne {index}",
            email=f"ruee.{index}@example.fr",
            kind="agent",
        )
        links.append(tokens.confirm_token(registrant))
    Path(tokens_file).write_text(json.dumps(links))
    print(
        json.dumps(
            {
                "event": rush.get_absolute_url(),
                "trickle_event": trickle.get_absolute_url(),
                "session": session.pk,
                "confirm_path": reverse("registrations:confirm", args=["TOKEN"]),
            }
        ),
        flush=True,
    )


# The rush --------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _http_confirm(base: str, token: str) -> float:
    """GET the confirmation page (its CSRF token, if any), then time its POST."""
    url = base + reverse("registrations:confirm", args=[token])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    found = _CSRF.search(page)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": found[1]} if found else {}).encode()
    request = urllib.request.Request(url, data=data, headers={"Origin": base, "Referer": url})
    started = time.perf_counter()
    with opener.open(request, timeout=30) as response:
        response.read()
        if response.status >= 400:
            raise RuntimeError(response.status)
    return time.perf_counter() - started


def _service_confirm(token: str) -> float:
    started = time.perf_counter()
    registrant = tokens.registrant_from_confirm_token(token)
    services.registrant_confirm(registrant=registrant)
    return time.perf_counter() - started


def _confirm_page_exists(base: str, token: str) -> bool:
    try:
        with urllib.request.urlopen(
            base + reverse("registrations:confirm", args=[token]), timeout=30
        ) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def rush(tokens_file: str, base: str, threads: int) -> None:
    links = json.loads(Path(tokens_file).read_text())
    via_http = _confirm_page_exists(base, links[0])
    connection.close()  # each thread opens its own
    print("READY", flush=True)
    sys.stdin.readline()
    latencies, errors, lock = [], [], threading.Lock()

    def one(token: str) -> None:
        try:
            seconds = _http_confirm(base, token) if via_http else _service_confirm(token)
            with lock:
                latencies.append(seconds)
        except Exception as error:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(repr(error))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, links))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        json.dumps(
            {
                "via": "http" if via_http else "services",
                "confirmations": len(links),
                "seconds": elapsed,
                "p50_ms": percentile(0.50) if latencies else 0,
                "p99_ms": percentile(0.99) if latencies else 0,
                "errors": len(errors),
                "first_errors": errors[:3],
            }
        ),
        flush=True,
    )


def counts() -> None:
    rush_event, _ = _bench_events()
    session = rush_event.sessions.get()
    by_status = dict(
        Registration.objects.filter(session=session)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    print(
        json.dumps(
            {
                "capacity": session.capacity,
                "seats_taken": session.seats_taken,
                "waiting_count": session.waiting_count,
                "statuses": by_status,
            }
        ),
        flush=True,
    )


def trickle(interval: float, duration: float) -> int:
    _, event = _bench_events()
    session = event.sessions.get()
    print("READY", flush=True)
    done, started = 0, time.monotonic()
    while time.monotonic() - started < duration:
        time.sleep(interval)
        registrant = services.registrant_register(
            event=event,
            sessions=[session],
            name=f"Personne {done}",
            email=f"filet.{time.time_ns()}@example.fr",
            kind="private",
        )
        services.registrant_confirm(registrant=registrant)
        done += 1
    return done


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "setup":
        setup(int(arguments[0]), int(arguments[1]), arguments[2])
    elif command == "rush":
        rush(arguments[0], arguments[1], int(arguments[2]))
    elif command == "counts":
        counts()
    elif command == "trickle":
        print("CHANGES", trickle(float(arguments[0]), float(arguments[1])))
    else:
        raise SystemExit(__doc__)
