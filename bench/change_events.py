"""Change a published event every INTERVAL seconds for DURATION seconds, as a moderator would:
its summary saved as the back-office's change form saves it (a model save, whose receivers
record the change for the page cache). Run by bench/churn.py with the environment of the
benchmark database and its Redis page cache; prints how many changes it made."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moisinno.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from events.enums import EventStatus  # noqa: E402
from events.models import Event  # noqa: E402


def main(interval: float, duration: float) -> int:
    events = list(
        Event.objects.filter(status=EventStatus.PUBLISHED, edition__is_current=True)
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    print("READY", flush=True)  # set up: the load may start
    changes, started = 0, time.monotonic()
    while time.monotonic() - started < duration:
        time.sleep(interval)
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=events[changes % len(events)])
            event.summary = f"{event.summary.split(' — ')[0]} — révision {changes}"[:200]
            event.save(update_fields=["summary", "updated_at"])
        changes += 1
    return changes


if __name__ == "__main__":
    print("CHANGES", main(float(sys.argv[1]), float(sys.argv[2])))
