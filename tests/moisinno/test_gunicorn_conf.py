"""gunicorn.conf.py: each web worker loads WeasyPrint when it starts, so that the first poster
or small programme it prints within a request does not also wait for the import (1.5–2 s);
`PAPER_PRELOAD=false` leaves it to the first print. Checked in a fresh interpreter, as a worker
starts: Django set up, then gunicorn's hook."""

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
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "moisinno.settings", "DEBUG": "true"}
    env.pop("PAPER_PRELOAD", None)
    if preload is not None:
        env["PAPER_PRELOAD"] = preload
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == loaded
