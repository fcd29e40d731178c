"""The pages one process renders again in the background (the page cache's stale lists).

When a list is out of date only because of what it lists, the request that claims its render
gets the last copy at once and hands the render to this process's thread
(`moisinno.pagecache`, `PAGE_CACHE_BACKGROUND_RENDER`). The queue is bounded and holds each
page once; the thread survives a failing job and closes its database connections when idle.
"""

import logging
import os
import queue
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger("moisinno.pagecache")

# How many pages of one process may wait for their background render; beyond, a stale list is
# served and left for a later request to claim.
BACKGROUND_QUEUE_SIZE = 64
# A render thread idle this long closes its database connections (seconds), so that a quiet
# worker does not keep one more open.
BACKGROUND_IDLE = 60


class BackgroundRenders:
    """The pages one process renders again in the background: a bounded queue, read by one
    daemon thread, holding at most one job per page (queued or being rendered)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.jobs: queue.Queue[tuple[str, Callable[[], None]]] = queue.Queue(
            maxsize=BACKGROUND_QUEUE_SIZE
        )
        self.pending: set[str] = set()
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="page cache renders", daemon=True)
        self.thread.start()

    def submit(self, key: str, job: Callable[[], None]) -> bool:
        """Queue `job`, the render of `key`: false when the queue is full or `key` is in it."""
        with self.changed:
            if key in self.pending:
                return False
            try:
                self.jobs.put_nowait((key, job))
            except queue.Full:
                return False
            self.pending.add(key)
            return True

    def wait(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: not self.pending, timeout)

    def _run(self) -> None:
        while True:
            try:
                key, job = self.jobs.get(timeout=BACKGROUND_IDLE)
            except queue.Empty:
                try:
                    connections.close_all()
                except Exception:  # noqa: BLE001 - the thread must outlive its connections
                    logger.warning("page cache: idle connections not closed", exc_info=True)
                continue
            try:
                job()
            except Exception:  # noqa: BLE001 - the thread must outlive any job
                logger.error("page cache: a background render failed", exc_info=True)
            finally:
                with self.changed:
                    self.pending.discard(key)
                    self.changed.notify_all()


_background = {"renders": None}
_background_lock = threading.Lock()


def background_renders() -> BackgroundRenders:
    """This process's background renders, started on first use, and again in a forked child
    (a thread does not survive a fork)."""
    with _background_lock:
        renders = _background["renders"]
        if renders is None or renders.pid != os.getpid():
            renders = _background["renders"] = BackgroundRenders()
        return renders


def background_renders_wait(timeout: float = 10) -> bool:
    """Wait until this process has no page left to render in the background (tests): false if
    some remain after `timeout` seconds."""
    renders = _background["renders"]
    return renders is None or renders.pid != os.getpid() or renders.wait(timeout)
