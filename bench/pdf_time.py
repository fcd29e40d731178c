"""The printed programme of one selection: time and peak memory, cold and cached.

Run by `bench/bench.py` (one process per selection, so that the peak is that selection's) with
the environment of a benchmark database; prints one JSON line:

- **cold**: the programme printed and stored (`programme.paper.store.programme_store`), what the
  task worker does for a large selection (the request does it for a dozen events or fewer);
- **cached**: `GET /programme.pdf?…` once the copy is stored, page cache off (median of 5): the
  copy read from the media storage and sent.
"""

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moisinno.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="moisinno-bench-media-"))

import django  # noqa: E402

django.setup()

import pikepdf  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from events.selectors import current_edition  # noqa: E402
from programme.feeds.selection import edition_feed_selection  # noqa: E402
from programme.paper.store import programme_store  # noqa: E402


def main(query: str) -> None:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    feed = edition_feed_selection(edition=current_edition(), params=QueryDict(query))
    start = time.perf_counter()
    stored = programme_store(feed)
    cold = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with default_storage.open(stored.name, "rb") as file, pikepdf.open(file) as pdf:
        pages = len(pdf.pages)
    size = default_storage.size(stored.name)
    client = Client()
    times = []
    with override_settings(PAGE_CACHE_ENABLED=False, ALLOWED_HOSTS=["testserver"]):
        for _ in range(5):
            start = time.perf_counter()
            response = client.get(f"/programme.pdf?{query}")
            body = b"".join(response.streaming_content)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200 and len(body) == size, response.status_code
    print(
        json.dumps(
            {
                "events": feed.count,
                "pages": pages,
                "bytes": size,
                "cold_s": cold,
                "cached_ms": statistics.median(times) * 1000,
                "peak_mb": peak / 1024,
                "baseline_mb": baseline / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
