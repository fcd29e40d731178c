"""The shared page cache of the public site: anonymous GET and HEAD requests only.

**Which pages.** Views decorated with `@public_page` (home, programme, calendar, event, lab,
organisation and edition pages, the feeds and exports, the API). Nothing else is ever looked up
or stored: the organiser space, the accounts, the admin, « Mon programme » and the alerts are
not marked.

**Who.** A request that carries none of the `PAGE_CACHE_BYPASS_COOKIES`: no session cookie (so
nobody logged in, and no pending message, since messages live in the session) and no « Mon
programme » cookie (a visitor who starred events sees their own buttons). Everyone else gets
the page rendered for them, marked `Cache-Control: private`.

**What is stored.** A 200 response to a GET that sets no cookie, did not use a CSRF token and is
not marked private or no-store, up to `PAGE_CACHE_MAX_BYTES`. A streamed export still streams:
it is kept once its last chunk has gone out (a larger one is served without being kept).

**The key.** Scheme and host, path, the query normalised (parameters sorted; on the HTML pages
and feeds, whose filters ignore them, the empty values a submitted form adds are dropped), and
today's date in Paris (lists of upcoming events move on at midnight). Each stored page carries
the public-content version it was rendered at, and is served only while that is the current one.

**Invalidation is exact.** `public_content_changed()` raises `PublicContentVersion` in the
writer's own transaction (`events/receivers.py` calls it on every change a public page can
show; bulk writers call it themselves) and, with Redis, a counter in Redis once the
transaction commits, before the writer's response is sent. Each request reads the version
before rendering (with Redis, in the same round trip as the page: a hit costs no query), so a
page is stored with a version no newer than the data it shows, and once a change is committed
no request is served a page rendered before it. `PAGE_CACHE_TIMEOUT` only bounds memory.

A cache that does not answer (Redis down) is logged and skipped: pages are rendered as if the
cache were empty.
"""

import contextlib
import gzip
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe, quote_etag

from .models import PublicContentVersion

logger = logging.getLogger(__name__)

_MARK = "public_page"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(\.0*)?\s*(,|$))")
# Attributes a view sets on its response for an outer middleware (CSP overrides of the
# embeddable widget): kept with the stored page so that a hit carries them too.
_RESPONSE_ATTRIBUTES = ("_csp_config", "_csp_ro_config")
CACHE_HEADER = "X-Cache"


def public_page(view: Callable | None = None, *, keep_empty_parameters: bool = False):
    """Mark `view` as a public page the shared cache may keep for anonymous visitors.

    `keep_empty_parameters`: an empty parameter means something to this view (the API answers
    `?page=` with an error), so the key keeps it."""

    def mark(func: Callable) -> Callable:
        setattr(func, _MARK, "exact" if keep_empty_parameters else "ignore_empty")
        return func

    return mark(view) if view is not None else mark


# The version ---------------------------------------------------------------------------------


_batch = threading.local()


def public_content_changed() -> None:
    """Something a public page shows has changed: make every cached page unreachable.

    Call it inside the transaction of the change, after the write: the new version becomes
    visible to other requests exactly when the change does."""
    if getattr(_batch, "depth", 0):
        _batch.changed = True
        return
    if not PublicContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        # The row is missing (a flushed database): start far above any earlier number.
        PublicContentVersion.objects.get_or_create(pk=1, defaults={"value": time.time_ns()})
    if _is_shared(_page_cache()):
        # Redis holds its own counter, so that a hit costs no query: raised once committed,
        # before the writer's response leaves (the next request sees it).
        transaction.on_commit(_advance_shared_version, robust=True)


@contextlib.contextmanager
def public_content_batch() -> Iterator[None]:
    """Many writes, one version: for bulk writers (the demo generator, imports). Put it inside
    their transaction; the version is raised once, at the end, if anything changed."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
    if not _batch.depth and getattr(_batch, "changed", False):
        _batch.changed = False
        public_content_changed()


def public_content_version() -> int:
    """The version in the database: the one the keys use with a per-process cache."""
    value = PublicContentVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return 0 if value is None else value


SHARED_VERSION_KEY = "public-content-version"


def _is_shared(cache) -> bool:
    """A cache every process sees (Redis), as opposed to local memory or the dummy cache."""
    return not isinstance(cache, (LocMemCache, DummyCache))


def _advance_shared_version() -> None:
    cache = _page_cache()
    try:
        cache.incr(SHARED_VERSION_KEY)
    except ValueError:  # no counter (evicted, flushed): any new number starts a new namespace
        cache.add(SHARED_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - the change is committed; pages expire with their timeout
        logger.error("page cache: the shared version could not be raised", exc_info=True)


def _shared_version(cache) -> int:
    version = cache.get(SHARED_VERSION_KEY)
    if version is None:
        cache.add(SHARED_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(SHARED_VERSION_KEY)
    return version


def _current_version(cache) -> int:
    """Redis: its own counter. Local memory: the database's row (other processes, such as a
    management command, may have raised it)."""
    return _shared_version(cache) if _is_shared(cache) else public_content_version()


def version_cached(key: str, compute: Callable[[], object]) -> object:
    """`compute()`, kept in the page cache until the public content changes: for what a miss
    recomputes although it depends on nothing but public content (the programme's menus).
    Computed directly when the cache does not answer."""
    cache = _page_cache()
    try:
        version = _current_version(cache)
        full_key = f"{key}:{version}"
        value = cache.get(full_key)
        if value is None:
            value = compute()
            cache.set(full_key, value, settings.PAGE_CACHE_TIMEOUT)
        return value
    except Exception:  # noqa: BLE001 - a cache outage must not take the site down
        logger.warning("page cache unavailable (%s)", key, exc_info=True)
        return compute()


def version_cached_many(
    keys: dict[object, str], compute: Callable[[list], dict[object, object]]
) -> dict[object, object]:
    """`version_cached` for many values at once (one round trip to the cache): `keys` maps
    each item to its key; `compute(missing_items)` returns the values of those not cached."""
    cache = _page_cache()
    try:
        version = _current_version(cache)
        full = {item: f"{key}:{version}" for item, key in keys.items()}
        found = cache.get_many(list(full.values()))
        values = {item: found[key] for item, key in full.items() if key in found}
        missing = [item for item in keys if item not in values]
        if missing:
            computed = compute(missing)
            cache.set_many(
                {full[item]: value for item, value in computed.items()},
                settings.PAGE_CACHE_TIMEOUT,
            )
            values.update(computed)
        return values
    except Exception:  # noqa: BLE001 - a cache outage must not take the site down
        logger.warning("page cache unavailable (%d values)", len(keys), exc_info=True)
        return compute(list(keys))


# The middleware ------------------------------------------------------------------------------


def _page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _marked_view(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, _MARK, None)


def _cache_key(request: HttpRequest, mode: str) -> str:
    pairs = sorted(
        (name, value)
        for name, values in request.GET.lists()
        for value in values
        if value != "" or mode == "exact"
    )
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        urlencode(pairs),
        timezone.localdate().isoformat(),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _lookup(key: str) -> tuple[int, dict | None]:
    """The current version, and the page stored under `key` if it was stored at that version.

    Redis: the counter and the page in one round trip, no query. Local memory: the version
    from the database (`_current_version`), then the page."""
    cache = _page_cache()
    if _is_shared(cache):
        found = cache.get_many([SHARED_VERSION_KEY, key])
        version = found.get(SHARED_VERSION_KEY)
        if version is None:
            version = _shared_version(cache)
        entry = found.get(key)
    else:
        version = _current_version(cache)
        entry = cache.get(key)
    if entry is not None and entry["version"] != version:
        entry = None
    return version, entry


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _tee(response: HttpResponseBase, keep: Callable[[bytes], None]) -> None:
    """Stream the response as it is, and hand its whole body to `keep` once the last chunk has
    gone out, unless it grew beyond `PAGE_CACHE_MAX_BYTES` (then only stream it)."""
    stream = response.streaming_content

    def chunks():
        kept, size = [], 0
        for chunk in stream:
            if kept is not None:
                size += len(chunk)
                if size > settings.PAGE_CACHE_MAX_BYTES:
                    kept = None
                else:
                    kept.append(chunk)
            yield chunk
        if kept is not None:
            keep(b"".join(kept))

    response.streaming_content = chunks()


def _with_browser_headers(response: HttpResponseBase) -> None:
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_BROWSER_MAX_AGE,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )
    if not response.streaming and not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])


_COMPRESSIBLE = ("text/", "json", "xml", "calendar", "csv", "javascript")


def _entries(response: HttpResponseBase, body: bytes, version: int) -> dict[str, dict]:
    """What to store: the page as rendered and, for text, its gzip twin (compressed once here
    rather than on every hit; these pages hold no secret and no CSRF token, so BREACH has
    nothing to guess)."""
    # Content-Length is the body's own, set again when the page is served (the gzip copy is
    # shorter).
    headers = [
        (name, value)
        for name, value in response.items()
        if name not in (CACHE_HEADER, "Content-Length")
    ]
    entry = {
        "version": version,
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "attributes": {
            name: getattr(response, name)
            for name in _RESPONSE_ATTRIBUTES
            if hasattr(response, name)
        },
    }
    # A page not worth compressing is stored under both keys, so that every visitor's lookup
    # is one read.
    entries = {"identity": entry, "gzip": entry}
    content_type = response.get("Content-Type", "")
    if len(body) >= 200 and any(kind in content_type for kind in _COMPRESSIBLE):
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
        zipped_headers = [
            (name, f"W/{value}" if name == "ETag" and not value.startswith("W/") else value)
            for name, value in headers
        ]
        entries["gzip"] = {
            **entry,
            "headers": [*zipped_headers, ("Content-Encoding", "gzip")],
            "body": compressed,
        }
    return entries


def _encoding(request: HttpRequest) -> str:
    return (
        "gzip" if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
    )


def _response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(entry["body"]))
    for name, value in entry["attributes"].items():
        setattr(response, name, value)
    return response


def _conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A 304 when the visitor already has this page (If-None-Match, If-Modified-Since)."""
    conditional = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )
    conditional[CACHE_HEADER] = response[CACHE_HEADER]
    return conditional


class PublicPageCacheMiddleware:
    """Serve and keep the public pages of anonymous visitors (see the module's docstring).

    Sits after the CORS middleware and before the session middleware: a hit never opens a
    session; it costs one Redis round trip (local memory: one query for the version)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        mode = (
            _marked_view(request)
            if settings.PAGE_CACHE_ENABLED and request.method in ("GET", "HEAD")
            else None
        )
        if mode is None:
            return self.get_response(request)
        if any(name in request.COOKIES for name in settings.PAGE_CACHE_BYPASS_COOKIES):
            response = self.get_response(request)
            patch_vary_headers(response, ["Cookie"])
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            response[CACHE_HEADER] = "bypass"
            return response

        key = _cache_key(request, mode)
        encoding = _encoding(request)
        version, entry = self._read(key, encoding)
        if entry is not None:
            response = _response(entry)
            response[CACHE_HEADER] = "hit"
            return _conditional(request, response)

        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        response[CACHE_HEADER] = "miss"
        if not _storable(request, response):
            return response
        _with_browser_headers(response)
        if response.streaming:
            # The exports stream (a 10,000-event calendar is megabytes): kept once sent whole.
            _tee(response, lambda body: self._write(key, _entries(response, body, version)))
            return response
        if len(response.content) > settings.PAGE_CACHE_MAX_BYTES:
            return response
        entries = _entries(response, response.content, version)
        self._write(key, entries)
        if entries[encoding] is not entries["identity"]:  # the gzip copy
            response = _response(entries[encoding])
            response[CACHE_HEADER] = "miss"
        return _conditional(request, response)

    @staticmethod
    def _read(key: str, encoding: str) -> tuple[int | None, dict | None]:
        try:
            return _lookup(f"{key}:{encoding}")
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.warning("page cache unavailable (read)", exc_info=True)
            return None, None

    @staticmethod
    def _write(key: str, entries: dict[str, dict]) -> None:
        if entries["identity"]["version"] is None:  # the cache did not answer the read
            return
        try:
            _page_cache().set_many(
                {f"{key}:{encoding}": entry for encoding, entry in entries.items()},
                settings.PAGE_CACHE_TIMEOUT,
            )
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.warning("page cache unavailable (write)", exc_info=True)
