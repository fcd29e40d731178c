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

**Invalidation, with Redis: as fine as the change.** A page is stored with the time its render
began and the tags of what it shows (`page_shows`): `all` for every page, `events` for a page
that lists events (the default), `event:<pk>` for an event's own page and the events it shows,
`organization:<pk>` / `lab:<pk>` for their records, `organization-events:<pk>` /
`lab-events:<pk>` for their lists of events. A change calls `public_content_changed(*tags)` in
the writer's transaction (`events/receivers.py` names the tags of each change; no tag means
`all`); once the transaction commits, before the writer's response is sent, Redis records the
time of each tag. A stored page is current while none of its tags changed after its render
began. Some of a page's tags are **exact** (`all`, the page's own event, organisation or lab):
once one changes, the page is rendered again. The others are **lists** (`events`, the events a
page shows beside its own, an organisation's or a lab's events): a page may still be served
for `PAGE_CACHE_LIST_DELAY` seconds after its render began, so that under a stream of edits a
list is rendered at most once in that delay rather than after every edit. So, after a change:
the changed event's own page shows it on the next request; an event page that only lists it
(related events), the programme, calendar, feeds, API, home, organisation and lab pages within
`PAGE_CACHE_LIST_DELAY` seconds plus one background render (below): the first request after
the delay still gets the previous copy, the requests once that render is stored get the new
one; pages that do not show it stay cached.

**Single flight.** When a stored page is out of date, the first request claims its render (a
lock of `PAGE_CACHE_RENDER_LOCK` seconds); the requests that arrive meanwhile get the previous
copy (`X-Cache: stale`) instead of rendering it too. A burst of changes never makes every worker
render the same page at once.

**Who renders it.** A page out of date because one of its exact tags changed is rendered by the
request that claimed it (`X-Cache: miss`): a visitor never gets a copy older than a change to
what the page is about. A page out of date only because what it lists changed is rendered in
the background (`PAGE_CACHE_BACKGROUND_RENDER`, default on): the claiming request gets the
previous copy at once (`stale`), and one daemon thread of the process (started on first use,
again after a fork) renders an anonymous copy of the request (GET, no cookie, no body, no
conditional header) through the same path, keeps the page and releases the claim. On a sync
worker, the requests queued behind the claiming one thus no longer wait for a list's whole
render (30 to 80 ms; a region's calendar feed, a second); they share the process's CPU and its
GIL with the thread meanwhile (each of their waits on I/O may cost a switch interval, 5 ms).
The thread (`moisinno.background_renders`) queues at most `BACKGROUND_QUEUE_SIZE` pages, each
once: when it is full (or the page is still in it) the claim is released and the copy served,
for a later request to claim. Its database connections are handled as around a request
(`close_old_connections` before and after each render, all closed once idle for a minute).
A render that fails is logged and releases its claim (a failing view answers 500: the copy is
forgotten, as in a request). A HEAD request and local memory keep rendering in the request.

**Without Redis** (local memory: `make run`, one process), the keys carry the public-content
version, `PublicContentVersion`, raised by every change in the writer's transaction and read by
each request: invalidation is coarse but exact, as no other process can hold a copy.

A cache that does not answer (Redis down) is logged and skipped: pages are rendered as if the
cache were empty.
"""

import contextlib
import dataclasses
import gzip
import hashlib
import io
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import close_old_connections, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve, set_script_prefix
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe, quote_etag

from .background_renders import background_renders
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

# The tags of what public pages show (see the module's docstring).
ALL = "all"
EVENTS = "events"


def event_tag(pk: int) -> str:
    return f"event:{pk}"


def organization_tag(pk: int) -> str:
    return f"organization:{pk}"


def organization_events_tag(pk: int) -> str:
    return f"organization-events:{pk}"


def lab_tag(pk: int) -> str:
    return f"lab:{pk}"


def lab_events_tag(pk: int) -> str:
    return f"lab-events:{pk}"


def public_content_changed(*tags: str) -> None:
    """Something public pages show has changed: `tags` name it (none: anything, `all`).

    Call it inside the transaction of the change, after the write: the change reaches the
    cached pages exactly when it becomes visible to other requests."""
    tags = frozenset(tags) or frozenset((ALL,))
    if getattr(_batch, "depth", 0):
        _batch.tags = getattr(_batch, "tags", frozenset()) | tags
        return
    if not PublicContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        # The row is missing (a flushed database): start far above any earlier number.
        PublicContentVersion.objects.get_or_create(pk=1, defaults={"value": time.time_ns()})
    if _is_shared(_page_cache()):
        # Redis holds its own counter and the tags' times, so that a hit costs no query:
        # recorded once committed, before the writer's response leaves (the next request
        # sees them).
        transaction.on_commit(lambda: _advance_shared_version(tags), robust=True)


def public_counts_changed(*tags: str) -> None:
    """A count that pages show has changed (the seats left of a session): only the pages
    tagged `tags` are out of date, and nothing that the version keys (exports, menus) is. With
    Redis, only the tags' times move, once committed: no row is written, so that frequent
    small changes (a registration every second) neither serialise on one row nor empty any
    other page. Without Redis, the coarse version, as any change."""
    if not tags:
        return
    if not _is_shared(_page_cache()):
        public_content_changed(*tags)
        return
    frozen = frozenset(tags)
    transaction.on_commit(lambda: _touch_tags(frozen), robust=True)


def _touch_tags(tags: frozenset[str]) -> None:
    try:
        _page_cache().touch_tags(dict.fromkeys(tags, time.time() + settings.PAGE_CACHE_CLOCK_SKEW))
    except Exception:  # noqa: BLE001 - the change is committed; pages expire with their timeout
        logger.error("page cache: the change of counts could not be recorded", exc_info=True)


@contextlib.contextmanager
def public_content_batch() -> Iterator[None]:
    """Many writes, one change: for bulk writers (the demo generator, imports). Put it inside
    their transaction; the tags are recorded once, at the end, if anything changed."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
    tags = getattr(_batch, "tags", frozenset())
    if not _batch.depth and tags:
        _batch.tags = frozenset()
        public_content_changed(*tags)


def public_content_version() -> int:
    """The version in the database: the one the keys use with a per-process cache."""
    value = PublicContentVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return 0 if value is None else value


SHARED_VERSION_KEY = "public-content-version"


def _is_shared(cache) -> bool:
    """Our Redis cache (`moisinno.cache.RedisCache`), which every process sees and which keeps
    the tags' times. Any other (local memory, the dummy cache) works with the version in the
    database."""
    return hasattr(cache, "tag_times")


def _advance_shared_version(tags: frozenset[str]) -> None:
    cache = _page_cache()
    try:
        # Dated ahead by the clocks' possible skew: a page whose render began on another node
        # less than that after the change is rendered again.
        cache.touch_tags(dict.fromkeys(tags, time.time() + settings.PAGE_CACHE_CLOCK_SKEW))
        cache.incr(SHARED_VERSION_KEY)
    except ValueError:  # no counter (evicted, flushed): any new number starts a new namespace
        cache.add(SHARED_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - the change is committed; pages expire with their timeout
        logger.error("page cache: the change could not be recorded", exc_info=True)


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
    return kept_under_version(
        cache, lambda: _current_version(cache), key, compute, settings.PAGE_CACHE_TIMEOUT
    )


def kept_under_version(
    cache, version: Callable[[], object], key: str, compute: Callable[[], object], timeout: int
) -> object:
    """`compute()`, kept in `cache` under `key` and the number `version()` reads: a change
    gives a new number, and the values kept under the old one are no longer read. Computed
    directly when the cache does not answer."""
    try:
        full_key = f"{key}:{version()}"
        value = cache.get(full_key)
        if value is None:
            value = compute()
            cache.set(full_key, value, timeout)
        return value
    except Exception:  # noqa: BLE001 - a cache outage must not take the site down
        logger.warning("cache unavailable (%s)", key, exc_info=True)
        return compute()


def version_cached_many(
    keys: dict[object, str], compute: Callable[[list], dict[object, object]]
) -> dict[object, object]:
    """`version_cached` for many values at once (one round trip to the cache): `keys` maps
    each item to its key; `compute(missing_items)` returns the values of those not cached."""

    def full_keys(cache) -> dict[object, str]:
        version = _current_version(cache)
        return {item: f"{key}:{version}" for item, key in keys.items()}

    return _cached_many(list(keys), full_keys, compute)


def tag_cached_many(
    keys: dict[object, tuple[str, list[str]]], compute: Callable[[list], dict[object, object]]
) -> dict[object, object]:
    """`version_cached_many` for values that depend only on what their tags name (and `all`):
    `keys` maps each item to its key and tags (a card: its event's). With Redis, a change
    elsewhere keeps them: only the items whose tags changed are computed again. Without Redis,
    `version_cached_many`."""
    if not _is_shared(_page_cache()):
        return version_cached_many({item: key for item, (key, _) in keys.items()}, compute)

    def full_keys(cache) -> dict[object, str]:
        tags = sorted({ALL, *(tag for _, item_tags in keys.values() for tag in item_tags)})
        times = dict(zip(tags, cache.tag_times(tags), strict=True))
        return {
            item: f"{key}:{max(times[tag] or 0 for tag in (ALL, *item_tags))}"
            for item, (key, item_tags) in keys.items()
        }

    return _cached_many(list(keys), full_keys, compute)


def _cached_many(
    items: list,
    full_keys: Callable[[object], dict[object, str]],
    compute: Callable[[list], dict[object, object]],
) -> dict[object, object]:
    """The values of `items` kept under `full_keys(cache)`, those missing computed and kept
    (one round trip each way); computed directly when the cache does not answer."""
    cache = _page_cache()
    try:
        full = full_keys(cache)
        found = cache.get_many(list(full.values()))
        values = {item: found[key] for item, key in full.items() if key in found}
        missing = [item for item in items if item not in values]
        if missing:
            computed = compute(missing)
            cache.set_many(
                {full[item]: value for item, value in computed.items()},
                settings.PAGE_CACHE_TIMEOUT,
            )
            values.update(computed)
        return values
    except Exception:  # noqa: BLE001 - a cache outage must not take the site down
        logger.warning("page cache unavailable (%d values)", len(items), exc_info=True)
        return compute(items)


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


class PageDependencies:
    """What the page being rendered shows (`page_shows`): its exact tags and its list tags."""

    def __init__(self) -> None:
        self.exact = {ALL}
        self.listed = {EVENTS}


def page_shows(
    request: HttpRequest,
    *,
    own: Iterable[str] = (),
    listed: Iterable[str] = (),
    lists_events: bool = False,
) -> None:
    """Say what the public page being rendered for `request` shows, for the page cache.

    `own`: the tags of the records the page is about (its event, organisation or lab): a change
    to one of them shows on the next request. `listed`: what it lists besides (the events of an
    organisation, the related events): shown within `PAGE_CACHE_LIST_DELAY` seconds.
    `lists_events`: the page lists events of the whole programme (true of every page that does
    not call this). Does nothing when the page is not being kept."""
    dependencies = getattr(request, "_page_dependencies", None)
    if dependencies is None:
        return
    dependencies.exact.update(own)
    dependencies.listed.update(listed)
    if not lists_events:
        dependencies.listed.discard(EVENTS)


@dataclasses.dataclass
class _Found:
    """What the page cache holds for a request."""

    # What a page rendered now is stored with: the version (local memory) or the time its render
    # began (Redis); None when the cache did not answer.
    stamp: float | int | None
    entry: dict | None = None
    # "hit": current (or a list within its delay); "stale": out of date, served only while
    # another request renders it; "miss": nothing usable.
    state: str = "miss"
    # Stale only because what it lists changed (its exact tags did not): it may be rendered
    # again in the background.
    lists_only: bool = False


def _lookup(key: str) -> _Found:
    """The page stored under `key`, and whether it is current (see the module's docstring).

    Redis: the page, then the times of its tags (two round trips, no query). Local memory: the
    version from the database (`_current_version`), then the page."""
    cache = _page_cache()
    if not _is_shared(cache):
        version = _current_version(cache)
        entry = cache.get(key)
        if entry is None or entry.get("version") != version:
            return _Found(version)
        return _Found(version, entry, "hit")
    now = time.time()
    entry = cache.get(key)
    if entry is None or "rendered_at" not in entry:
        return _Found(now)
    exact, listed = entry["exact"], entry["listed"]
    times = cache.tag_times([*exact, *listed])
    if times[0] is None:  # `all` (every page's first tag) lost: the tags were flushed
        cache.add_tags({ALL: now})
        return _Found(now)
    began = entry["rendered_at"]
    exact_changed = any(when is not None and when > began for when in times[: len(exact)])
    listed_changed = any(when is not None and when > began for when in times[len(exact) :])
    within_delay = now < entry["rendered_at"] + settings.PAGE_CACHE_LIST_DELAY
    if not exact_changed and (not listed_changed or within_delay):
        return _Found(now, entry, "hit")
    return _Found(now, entry, "stale", lists_only=not exact_changed)


def _claim_render(key: str) -> bool:
    """Whether this request is the one to render `key` again (single flight): true unless
    another request claimed it less than `PAGE_CACHE_RENDER_LOCK` seconds ago."""
    try:
        return _page_cache().add(f"{key}:render", 1, timeout=settings.PAGE_CACHE_RENDER_LOCK)
    except Exception:  # noqa: BLE001 - a cache outage must not take the site down
        return True


def _release_render(key: str) -> None:
    with contextlib.suppress(Exception):
        _page_cache().delete(f"{key}:render")


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


def _tee(
    response: HttpResponseBase, keep: Callable[[bytes], None], done: Callable[[], None]
) -> None:
    """Stream the response as it is, and hand its whole body to `keep` once the last chunk has
    gone out, unless it grew beyond `PAGE_CACHE_MAX_BYTES` (then only stream it); `done()` once
    the stream ends or is dropped."""
    stream = response.streaming_content

    def chunks():
        kept, size = [], 0
        try:
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
        finally:
            done()

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


def _entries(
    response: HttpResponseBase, body: bytes, stamp: float | int, dependencies: PageDependencies
) -> dict[str, dict]:
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
        # Local memory: the version the page was rendered at. Redis: when its render began,
        # and its tags (`all` first).
        "version": stamp,
        "rendered_at": stamp,
        "exact": [ALL, *sorted(dependencies.exact - {ALL})],
        "listed": sorted(dependencies.listed),
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


def _copy(request: HttpRequest, found: _Found) -> HttpResponseBase:
    """The stored page `found` holds, marked with its state (`hit` or `stale`)."""
    response = _response(found.entry)
    response[CACHE_HEADER] = found.state
    return _conditional(request, response)


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
        found = self._read(key, encoding)
        if found.state == "hit" or (found.state == "stale" and not _claim_render(key)):
            # Current; or out of date while another request renders it again: its last copy.
            return _copy(request, found)
        claimed = found.state == "stale"
        if claimed and self._render_in_background(request, key, found):
            # Only what it lists changed: its last copy now, the render in the background.
            return _copy(request, found)
        try:
            return self._render(request, key, encoding, found.stamp, claimed)
        except BaseException:
            if claimed:
                _release_render(key)
            raise

    def _render_in_background(self, request: HttpRequest, key: str, found: _Found) -> bool:
        """Whether the render of `key`, claimed by `request`, is left to this process's
        background thread: a GET of a page out of date only because of what it lists, with
        `PAGE_CACHE_BACKGROUND_RENDER` on. When the queue is full (or the page already waits
        in it), the claim is released: the last copy is served and a later request claims it.

        The thread renders an anonymous copy of the request: no cookie, no body, no
        conditional header (the page is stored whole whatever the visitor's browser has)."""
        if not (
            found.lists_only and request.method == "GET" and settings.PAGE_CACHE_BACKGROUND_RENDER
        ):
            return False
        environ = {
            name: value
            for name, value in request.environ.items()
            if isinstance(value, str) and name != "HTTP_COOKIE" and not name.startswith("HTTP_IF_")
        }
        environ.update({"CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO()})
        environ.pop("CONTENT_TYPE", None)
        if not background_renders().submit(key, lambda: self._render_anonymous(environ, key)):
            _release_render(key)
        return True

    def _render_anonymous(self, environ: dict, key: str) -> None:
        """Render `key` again from `environ` (a copy of a visitor's request, without cookies)
        and keep it, as a request would (the background thread): its database connections are
        handled as around a request; a failure is logged and releases the claim."""
        try:
            close_old_connections()
            set_script_prefix(get_script_name(environ))
            # Stamped when the render begins, however long the job waited in the queue.
            response = self._render(WSGIRequest(environ), key, "identity", time.time(), True)
            if response.streaming:
                for _ in response.streaming_content:  # kept once whole (`_tee`)
                    pass
            response.close()
        except Exception:
            logger.error(
                "page cache: the background render of %s failed",
                environ.get("PATH_INFO"),
                exc_info=True,
            )
            _release_render(key)
        finally:
            close_old_connections()

    def _render(self, request, key, encoding, stamp, claimed) -> HttpResponseBase:
        """Render the page for `request` and keep it; release the render claim once kept."""
        request._page_dependencies = dependencies = PageDependencies()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        response[CACHE_HEADER] = "miss"
        done = (lambda: _release_render(key)) if claimed else (lambda: None)
        if not _storable(request, response):
            if claimed:
                # The page is gone (an event withdrawn: 404) or is not to be kept any more: its
                # last copy must not be served while another request renders it.
                self._forget(key)
            done()
            return response
        _with_browser_headers(response)
        if response.streaming:
            # The exports stream (a 10,000-event calendar is megabytes): kept once sent whole.
            _tee(
                response,
                lambda body: self._write(key, _entries(response, body, stamp, dependencies)),
                done,
            )
            return response
        if len(response.content) > settings.PAGE_CACHE_MAX_BYTES:
            done()
            return response
        entries = _entries(response, response.content, stamp, dependencies)
        self._write(key, entries)
        done()
        if entries[encoding] is not entries["identity"]:  # the gzip copy
            response = _response(entries[encoding])
            response[CACHE_HEADER] = "miss"
        return _conditional(request, response)

    @staticmethod
    def _read(key: str, encoding: str) -> _Found:
        try:
            return _lookup(f"{key}:{encoding}")
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.warning("page cache unavailable (read)", exc_info=True)
            return _Found(None)

    @staticmethod
    def _forget(key: str) -> None:
        try:
            _page_cache().delete_many([f"{key}:identity", f"{key}:gzip"])
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.warning("page cache unavailable (delete)", exc_info=True)

    @staticmethod
    def _write(key: str, entries: dict[str, dict]) -> None:
        if entries["identity"]["version"] is None:  # the cache did not answer the read
            return
        try:
            cache = _page_cache()
            if _is_shared(cache):
                # Every page's first tag, `all`, must have a time for the page to be current:
                # the render's own when Redis has none (new, flushed), no earlier change lost.
                cache.add_tags({ALL: entries["identity"]["rendered_at"]})
            cache.set_many(
                {f"{key}:{encoding}": entry for encoding, entry in entries.items()},
                settings.PAGE_CACHE_TIMEOUT,
            )
        except Exception:  # noqa: BLE001 - a cache outage must not take the site down
            logger.warning("page cache unavailable (write)", exc_info=True)
