"""gunicorn.conf.py: each web worker loads WeasyPrint when it starts, so that the first poster
or small programme it prints within a request does not also wait for the import (1.5–2 s);
`PAPER_PRELOAD=false` leaves it to the first print; and it collects its garbage after each
response, not in the middle of a request (moisinno/garbage.py). Checked in a fresh interpreter,
as a worker starts: Django set up, then gunicorn's hooks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = """
import runpy, sys
import django
django.setup()
assert "weasyprint" not in sys.modules
hooks = runpy.run_path("gunicorn.conf.py")
hooks["post_worker_init"](None)
print("weasyprint" in sys.modules)
"""


@pytest.mark.parametrize(("preload", "loaded"), [(None, "True"), ("false", "False")])
def test_a_worker_loads_weasyprint_when_it_starts_unless_told_not_to(preload, loaded):
    pytest.importorskip("weasyprint")
    output = worker_script(SCRIPT, preload)
    assert output.strip().splitlines()[-1] == loaded


def worker_script(script: str, preload: str | None) -> str:
    """What `script` prints, run in a fresh interpreter (`PAPER_PRELOAD` set to `preload`, or
    unset for None)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "moisinno.settings", "DEBUG": "true"}
    env.pop("PAPER_PRELOAD", None)
    if preload is not None:
        env["PAPER_PRELOAD"] = preload
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


GARBAGE = """
import gc, runpy, weakref
import django
django.setup()
hooks = runpy.run_path("gunicorn.conf.py")
hooks["post_worker_init"](None)
print(gc.get_freeze_count() > 10_000, gc.get_threshold()[0])

class Node:
    pass

# A request: its cyclic garbage (a page leaves about 2,500 objects in cycles).
first = Node()
first.other = Node()
first.other.other = first
alive = weakref.ref(first)
del first
for _ in range(3_000):
    row = []
    row.append(row)
del row
print(alive() is not None)  # not collected in the middle of the request
hooks["post_request"](None, None, {}, None)  # the response is sent
print(alive() is None)
"""


def test_a_worker_collects_its_garbage_after_each_response_not_during_the_request():
    output = worker_script(GARBAGE, "false")
    frozen, request_threshold, kept_during, collected_after = output.split()
    assert frozen == "True"  # the application's objects, out of every collection
    assert int(request_threshold) == 100_000
    assert kept_during == "True"
    assert collected_after == "True"
