import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from moisinno.ratelimit import (
    Limit,
    RateLimitExceeded,
    consume,
    parse_limits,
    rate_limited,
    retry_phrase,
)


def test_rate_limit_lets_the_limit_through_then_says_how_long_to_wait():
    cache.clear()

    outcomes = [rate_limited("test:visitor", limit=3, period=60) for _ in range(4)]

    assert outcomes[:3] == [0, 0, 0]
    assert 1 <= outcomes[3] <= 60
    assert rate_limited("test:someone-else", limit=3, period=60) == 0


# --- Several limits at once, French wording, across processes ------------------------------------


def test_limits_are_written_like_allauths():
    assert parse_limits("20/h/user, 50/2h/organization,3/15m/key,1/d/ip,5/30s/ip") == [
        Limit(20, 3600, "user"),
        Limit(50, 7200, "organization"),
        Limit(3, 900, "key"),
        Limit(1, 86400, "ip"),
        Limit(5, 30, "ip"),
    ]
    assert parse_limits("") == []


@pytest.mark.parametrize("spec", ["20/h", "x/h/user", "20/h/", "0/h/user", "20/3w/user"])
def test_a_malformed_limit_is_refused(spec):
    with pytest.raises(ValueError):
        parse_limits(spec)


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (1, "Réessayez dans 1 minute."),
        (60, "Réessayez dans 1 minute."),
        (61, "Réessayez dans 2 minutes."),
        (3600, "Réessayez dans 60 minutes."),
        (3 * 3600, "Réessayez dans 3 heures."),
    ],
)
def test_when_to_try_again_reads_as_french(seconds, phrase):
    assert retry_phrase(seconds) == phrase


def test_a_refusal_counts_nothing_in_any_of_the_limits():
    cache.clear()
    limits = parse_limits("2/h/user,3/h/organization")
    consume("test", limits, {"user": 1, "organization": 9})
    consume("test", limits, {"user": 1, "organization": 9})
    for _ in range(5):  # refused by the user's limit: the organisation's count stays at 2
        with pytest.raises(RateLimitExceeded) as refusal:
            consume("test", limits, {"user": 1, "organization": 9})
        assert refusal.value.limit.per == "user"
        assert 1 <= refusal.value.retry_after <= 3600

    consume("test", limits, {"user": 2, "organization": 9})  # the organisation's third

    with pytest.raises(RateLimitExceeded) as refusal:
        consume("test", limits, {"user": 3, "organization": 9})
    assert refusal.value.limit.per == "organization"


HAMMER = """
import django
django.setup()
from moisinno.ratelimit import RateLimitExceeded, consume, parse_limits
allowed = 0
for _ in range(40):
    try:
        consume("hammer", parse_limits("25/h/user"), {"user": 7})
        allowed += 1
    except RateLimitExceeded:
        pass
print(allowed)
"""


def test_two_processes_share_the_count_in_redis_exactly(redis_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moisinno.settings",
        "DEBUG": "true",
        "CACHE_URL": redis_url,
    }
    root = Path(__file__).resolve().parents[2]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER], cwd=root, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    counts = [int(process.communicate(timeout=120)[0]) for process in processes]

    assert sum(counts) == 25  # 80 attempts, 25 allowed, whichever process made them
