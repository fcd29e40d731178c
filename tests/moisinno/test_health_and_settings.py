import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEALTHZ_SCRIPT = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
response = Client().get('/healthz')
print(response.status_code, response.json()['status'])
"""


def run_django(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "moisinno.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_healthz_ok_when_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable():
    # A real PostgreSQL connection to a port where nothing listens.
    result = run_django(HEALTHZ_SCRIPT, DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

    assert result.stdout.split() == ["503", "error"], result.stderr


def test_production_refuses_development_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_django(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-for-this-test-only",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
