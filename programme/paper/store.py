"""Where printed programmes are kept, and when they are printed.

A programme's PDF is named by its edition, its selection and the public-content version it was
printed at (`programmes/<year>/<selection>-<version>.pdf` in the media storage), so a copy is
never served once the content has changed, as the page cache's pages. A small selection
(`INLINE_MAX_EVENTS`) is printed within the request; a larger one by the task worker
(`tasks.render_programme`, queued once per version), while the visitor is told it is being
prepared, or given the previous copy (`stale_programme`) until the new one is ready: a
programme of the whole edition takes minutes, and the content changes every few during the
month.
"""

import hashlib
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage

from ..feeds.selection import FeedSelection
from .programme_pdf import programme_pdf
from .tasks import render_programme

logger = logging.getLogger(__name__)

FOLDER = "programmes"
#: Printed within the request: a dozen events take about half a second once WeasyPrint is
#: loaded, which gunicorn.conf.py does when a worker starts (`make bench BENCH_ARGS=--pdf-only`
#: measures a fresh worker's first print).
INLINE_MAX_EVENTS = 12
#: One task per selection and version at a time; a task that died is queued again after this.
RENDER_LOCK_SECONDS = 30 * 60
#: How long the cache remembers the latest copy of a selection (the stale one served while the
#: next is printed).
POINTER_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class StoredProgramme:
    name: str
    version: int

    @property
    def filename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def _selection_key(feed: FeedSelection) -> str:
    return hashlib.sha256(f"{feed.edition.pk}?{feed.query}".encode()).hexdigest()[:24]


def programme_name(feed: FeedSelection) -> str:
    return f"{FOLDER}/{feed.edition.year}/{_selection_key(feed)}-{feed.content_version}.pdf"


def _pointer(feed: FeedSelection) -> str:
    return f"paper:programme:{_selection_key(feed)}"


def stored_programme(feed: FeedSelection) -> StoredProgramme | None:
    """The copy printed at the current version, if there is one."""
    name = programme_name(feed)
    latest = cache.get(_pointer(feed))
    if latest and latest["name"] == name:
        return StoredProgramme(name=name, version=latest["version"])
    # Another process printed it (the worker, with a cache of its own in development).
    if default_storage.exists(name):
        return StoredProgramme(name=name, version=feed.content_version)
    return None


def stale_programme(feed: FeedSelection) -> StoredProgramme | None:
    """The latest copy printed at an earlier version, while a new one is printed."""
    latest = cache.get(_pointer(feed))
    if latest and default_storage.exists(latest["name"]):
        return StoredProgramme(name=latest["name"], version=latest["version"])
    return None


def programme_store(feed: FeedSelection) -> StoredProgramme:
    """Print the programme of `feed` and keep it in the media storage; the copy of the
    previous version is deleted."""
    name = programme_name(feed)
    with tempfile.TemporaryDirectory(prefix="moisinno-pdf-") as folder:
        path = Path(folder) / "programme.pdf"
        programme_pdf(feed, path)
        if not default_storage.exists(name):
            with path.open("rb") as file:
                name = default_storage.save(name, File(file))
    previous = cache.get(_pointer(feed))
    cache.set(_pointer(feed), {"name": name, "version": feed.content_version}, POINTER_SECONDS)
    if previous and previous["name"] != name:
        try:
            default_storage.delete(previous["name"])
        except OSError:  # noqa: PERF203 - already gone
            logger.info("programme copy %s already deleted", previous["name"])
    return StoredProgramme(name=name, version=feed.content_version)


def programme_request(feed: FeedSelection) -> None:
    """Queue the printing of `feed` at the current version, once."""
    lock = f"paper:rendering:{_selection_key(feed)}:{feed.content_version}"
    if cache.add(lock, True, RENDER_LOCK_SECONDS):
        render_programme.enqueue(feed.edition.pk, feed.query)


def programme_copy(feed: FeedSelection) -> tuple[StoredProgramme | None, bool]:
    """The copy to serve and whether it is current: printed now when the selection is small,
    else queued for the worker, and meanwhile the previous copy, if any (None: none yet)."""
    stored = stored_programme(feed)
    if stored is None and feed.count <= INLINE_MAX_EVENTS:
        stored = programme_store(feed)
    if stored is None:
        programme_request(feed)
        # The task may have run already (an immediate backend).
        stored = stored_programme(feed)
    if stored is not None:
        return stored, True
    return stale_programme(feed), False
