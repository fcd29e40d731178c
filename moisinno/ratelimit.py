"""A fixed-window rate limit counted in the default cache (Redis in production, so every
worker shares the counters)."""

import time

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
