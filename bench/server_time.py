"""Server time and SQL queries of each benchmarked page, in-process (no network, no cache).

Run by `bench/bench.py` with the environment of one benchmark database; prints one JSON line.
The page cache is off (`PAGE_CACHE_ENABLED=false`): this is what a miss costs. Each page is
also timed right after a change of the public content (`changed_ms`), when what is kept by
version has to be computed again: the first misses after an edit.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moisinno.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from moisinno.pagecache import public_content_changed  # noqa: E402

WARM_UP = 3
CHANGED_REPEAT = 7


def measure(urls: dict[str, str], repeat: int) -> dict:
    client = Client()
    results = {}
    for label, url in urls.items():
        for _ in range(WARM_UP):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        # A miss right after a change of the public content: what is kept by version (the
        # menus, key figures, a selection's counts, collections' members) is computed again.
        changed = []
        for _ in range(CHANGED_REPEAT):
            public_content_changed()
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            changed.append((time.perf_counter() - started) * 1000)
        results[label] = {
            "changed_ms": round(statistics.median(changed), 1),
            "median_ms": round(statistics.median(timings), 1),
            "best_ms": round(min(timings), 1),
            "queries": len(queries),
            "bytes": len(response.content) if not response.streaming else None,
        }
    return results


if __name__ == "__main__":
    urls = json.loads(sys.argv[1])
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with override_settings(ALLOWED_HOSTS=["testserver"], PAGE_CACHE_ENABLED=False):
        print("SERVER_TIME_JSON " + json.dumps(measure(urls, repeat)))
