"""Every security header, one test each; production's refusal of an empty SECRET_KEY; the
deploy check that wants a shared cache as soon as several web workers run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moisinno.checks import configured_web_workers

ROOT = Path(__file__).resolve().parents[2]

#: The production environment of .ci/run's `check --deploy` (no CACHE_URL, no worker count).
CI_DEPLOY_ENV = {
    "DEBUG": "false",
    "EMAIL_BACKEND": "smtp",
    "SECRET_KEY": "ci-only-1-not-a-real-secret-key-value-for-deploy-check-in-the-tests",
    "ALLOWED_HOSTS": "moisinno.example.gouv.fr",
}
#: Variables of the test run that must not leak into a production subprocess.
LEAKY = {
    "DEBUG",
    "SECRET_KEY",
    "CACHE_URL",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
    "MOISINNO_ALLOW_DEV_KEY",
    "STAFF_REQUIRE_2FA",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in LEAKY}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "moisinno.settings", **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.fixture
def home(client, db):
    response = client.get("/")
    assert response.status_code == 200
    return response


# --- One test per header, on a real page -------------------------------------------------------


def test_content_security_policy_forbids_inline_code_and_framing(home):
    csp = home.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_x_content_type_options_is_nosniff(home):
    assert home.headers["X-Content-Type-Options"] == "nosniff"


def test_referrer_policy_keeps_addresses_on_the_site(home):
    assert home.headers["Referrer-Policy"] == "same-origin"


def test_x_frame_options_denies_framing(home):
    assert home.headers["X-Frame-Options"] == "DENY"


def test_cross_origin_opener_policy_isolates_the_window(home):
    assert home.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_permissions_policy_turns_off_powerful_browser_features(home):
    policy = dict(
        item.strip().split("=", 1) for item in home.headers["Permissions-Policy"].split(",")
    )

    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()", feature


def test_permissions_policy_is_on_a_page_served_from_the_page_cache(client, db):
    client.get("/")
    cached = client.get("/")

    assert cached.headers["X-Cache"] == "hit"
    assert "camera=()" in cached.headers["Permissions-Policy"]


def test_permissions_policy_is_on_other_responses_too(client, db):
    assert "camera=()" in client.get("/healthz").headers["Permissions-Policy"]
    assert "camera=()" in client.get("/page-qui-n-existe-pas/").headers["Permissions-Policy"]


PRODUCTION_HEADERS = """
import django, json
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
secure = client.get('/healthz', secure=True)
plain = client.get('/healthz')
print(json.dumps({
    'https': dict(secure.headers), 'https_status': secure.status_code,
    'http': dict(plain.headers), 'http_status': plain.status_code,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Headers of a production process (DEBUG off), over https and over plain http."""
    database = tmp_path_factory.mktemp("prod") / "db.sqlite3"
    result = run(
        ["-c", PRODUCTION_HEADERS],
        **CI_DEPLOY_ENV,
        MOISINNO_PLAIN_STATIC="true",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_hsts_over_https_in_production(production):
    assert production["https_status"] == 200
    assert (
        production["https"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_plain_http_is_redirected_to_https_without_hsts(production):
    assert production["http_status"] == 301
    assert production["http"]["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in production["http"]


def test_production_sends_every_header(production):
    headers = production["https"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]


# --- SECRET_KEY ---------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", "   "], ids=["empty", "blank"])
def test_production_refuses_to_start_with_an_empty_secret_key(secret):
    check = run(["manage.py", "check"], DEBUG="false", SECRET_KEY=secret)
    # What gunicorn does first: import the WSGI application.
    wsgi = run(["-c", "import moisinno.wsgi"], DEBUG="false", SECRET_KEY=secret)

    for result in (check, wsgi):
        assert result.returncode != 0
        assert "SECRET_KEY is empty" in result.stderr


def test_development_still_starts_without_a_secret_key():
    result = run(["manage.py", "check"], DEBUG="true", SECRET_KEY="")

    assert result.returncode == 0, result.stderr


# --- The shared cache, as soon as several workers run ------------------------------------------


def test_ci_deploy_check_is_clean_with_one_worker_and_no_shared_cache():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **CI_DEPLOY_ENV)

    assert result.returncode == 0, result.stderr
    assert "moisinno.E001" not in result.stderr


@pytest.mark.parametrize(
    "workers",
    [{"WEB_CONCURRENCY": "2"}, {"GUNICORN_CMD_ARGS": "--workers 3 --no-control-socket"}],
    ids=["WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"],
)
def test_deploy_check_fails_with_several_workers_and_a_per_process_cache(workers):
    result = run(["manage.py", "check", "--deploy"], **CI_DEPLOY_ENV, **workers)

    assert result.returncode != 0
    assert "moisinno.E001" in result.stderr
    assert "CACHE_URL" in result.stderr


def test_deploy_check_is_clean_with_several_workers_and_redis():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **CI_DEPLOY_ENV,
        WEB_CONCURRENCY="3",
        CACHE_URL="redis://127.0.0.1:6379/7",
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, 1),
        ({"WEB_CONCURRENCY": "4"}, 4),
        ({"WEB_CONCURRENCY": "not a number"}, 1),
        ({"GUNICORN_CMD_ARGS": "-w 5"}, 5),
        ({"GUNICORN_CMD_ARGS": "--workers=2 --threads 4"}, 2),
        ({"GUNICORN_CMD_ARGS": "-w3"}, 3),
        ({"WEB_CONCURRENCY": "2", "GUNICORN_CMD_ARGS": "--threads 8"}, 2),
    ],
)
def test_the_worker_count_is_read_as_gunicorn_reads_it(monkeypatch, env, expected):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert configured_web_workers() == expected


def test_a_malformed_organiser_limit_stops_every_command():
    result = run(["manage.py", "check"], DEBUG="true", EVENT_CREATE_RATE_LIMIT="20 par heure")

    assert result.returncode != 0
    assert "moisinno.E002" in result.stderr
    assert "EVENT_CREATE_RATE_LIMIT" in result.stderr
