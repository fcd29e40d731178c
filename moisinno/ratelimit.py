"""A fixed-window rate limit counted in the default cache (Redis in production, so every
worker shares the counters: `check --deploy` requires it as soon as several workers run,
moisinno/checks.py).

`rate_limited` counts one hit on one key (the API, the alerts). `consume` checks several limits
at once, written like allauth's (`"20/h/user,50/h/organization"`), and counts nothing when one
of them is reached; its refusal says, in French, when to try again.
"""

import contextlib
import math
import re
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def rate_limited(key: str, *, limit: int, period: int) -> int:
    """Count one hit for `key`; return 0 while under `limit` hits per `period` seconds, else
    the number of seconds until the window ends (to put in a French message or Retry-After)."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        hits = 1
    if hits <= limit:
        return 0
    return max(1, (window + 1) * period - int(time.time()))


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address, read as allauth reads it (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


@dataclass(frozen=True)
class Limit:
    amount: int
    period: int  # seconds
    per: str  # what is counted: "user", "organization", "ip"…


_DURATION = re.compile(r"^(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_limits(spec: str) -> list[Limit]:
    """`"20/h/user,50/h/organization"` -> two limits (durations: `30s`, `15m`, `h`, `2h`, `d`).

    An empty spec means no limit. A malformed one raises ValueError (the system check
    moisinno.E002 reports the settings' ones).
    """
    limits = []
    for part in filter(None, (item.strip() for item in spec.split(","))):
        amount, duration, per = part.split("/")
        match = _DURATION.match(duration)
        if not match or not per or int(amount) < 1:
            raise ValueError(f"Invalid rate limit: {part!r}")
        limits.append(
            Limit(int(amount), int(match.group(1) or 1) * _UNIT_SECONDS[match.group(2)], per)
        )
    return limits


def _period_phrase(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "en moins d’une journée" if days == 1 else f"en moins de {days} jours"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "en moins d’une heure" if hours == 1 else f"en moins de {hours} heures"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "en moins d’une minute" if minutes == 1 else f"en moins de {minutes} minutes"
    return f"en moins de {seconds} secondes"


def retry_phrase(seconds: int) -> str:
    """« Réessayez dans 12 minutes. » (whole minutes, rounded up; hours beyond 90 minutes)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes > 90:
        hours = math.ceil(minutes / 60)
        return f"Réessayez dans {hours} heures."
    return f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."


class RateLimitExceeded(Exception):
    """A limit is reached: `retry_after` seconds to wait, `limit` the one reached."""

    def __init__(self, *, limit: Limit, retry_after: int) -> None:
        super().__init__(f"{limit.amount}/{limit.period}s/{limit.per}, retry in {retry_after}s")
        self.limit = limit
        self.retry_after = retry_after

    @property
    def period_phrase(self) -> str:
        return _period_phrase(self.limit.period)

    @property
    def retry_phrase(self) -> str:
        return retry_phrase(self.retry_after)


def release(keys: list[str]) -> None:
    """Take back hits counted by `consume` (the action failed after all)."""
    for key in keys:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to take back
            cache.decr(key)


def consume(action: str, limits: list[Limit], subjects: dict[str, object]) -> list[str]:
    """Count one `action` for each of `limits` (keyed by `subjects[limit.per]`); return the
    keys counted, for `release` if the action then fails.

    Raises RateLimitExceeded when one is reached, after taking back the hits of this call: a
    refused attempt counts for nothing, so the limit holds exactly at its amount, whatever the
    number of workers (Redis' INCR and DECR are atomic).
    """
    counted: list[str] = []
    refusal: RateLimitExceeded | None = None
    now = time.time()
    for limit in limits:
        window = int(now // limit.period)
        key = f"ratelimit:{action}:{limit.per}:{subjects[limit.per]}:{limit.period}:{window}"
        cache.add(key, 0, timeout=limit.period + 1)
        try:
            hits = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=limit.period + 1)
            hits = 1
        counted.append(key)
        if hits > limit.amount:
            retry_after = max(1, math.ceil((window + 1) * limit.period - now))
            refusal = RateLimitExceeded(limit=limit, retry_after=retry_after)
            break
    if refusal is not None:
        release(counted)
        raise refusal
    return counted
