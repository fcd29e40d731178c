"""What a first visit to the programme costs, measured in Chromium as its network panel does.

The static files are served as in production: collected with whitenoise's compressed manifest
storage (hashed names, gzip and brotli copies) and served by the whitenoise middleware, with no
development static handler in front. Chromium reports each response's bytes on the wire
(`Network.loadingFinished.encodedDataLength`, the « transferred » column).

Production's collectstatic compresses all of the ~1,700 static files (most of them DSFR's icons
and pictograms), twice each (brotli and gzip), which took most of this test's time. The page
requests a few dozen of them, and whitenoise only ever sends the compressed copy of a file that
is requested: a first visit (discovery) lists what the page requests, only those files get their
compressed copies, with whitenoise's own code, and a second server, which finds them at its
start as production's does, serves the visit that is measured. The test checks that this visit
requested nothing that the discovery had not, so every file it received had its compressed
copies, exactly as with production's collectstatic.
"""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings
from playwright.sync_api import Browser
from whitenoise.storage import CompressedManifestStaticFilesStorage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST_VISIT_BUDGET = 300_000  # bytes transferred for /programme/, empty browser cache
REQUEST_THREAD_TIMEOUT_S = 10


class CompressedOnRequestStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage, whose collectstatic hashes and copies every file
    as production's does but leaves the compression to `compress()`, of the files named."""

    def compress_files(self, paths):
        return iter(())

    def compress(self, names: set[str]) -> None:
        list(super().compress_files(names))


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": f"{__name__}.CompressedOnRequestStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, storages


class TrackedServer(ThreadedWSGIServer):
    """Django's threaded live server, which keeps the threads that serve its requests."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_threads: list[threading.Thread] = []

    def process_request(self, request, client_address):
        # socketserver.ThreadingMixIn.process_request, the thread kept.
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        self.request_threads.append(thread)
        thread.start()


class TrackedLiveServerThread(LiveServerThread):
    server_class = TrackedServer


@contextlib.contextmanager
def whitenoise_server(root: Path, storages: dict) -> Iterator[str]:
    """A live server whose static files come from whitenoise alone, as in production: its
    middleware indexes STATIC_ROOT, compressed copies included, when the server starts."""
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=storages,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        in_memory = {
            c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()
        }
        for connection in in_memory.values():  # as LiveServerTestCase shares them
            connection.inc_thread_sharing()
        thread = TrackedLiveServerThread(
            "127.0.0.1", static_handler=lambda app: app, connections_override=in_memory
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        try:
            if thread.error:
                raise thread.error
            yield f"http://127.0.0.1:{thread.port}"
        finally:
            thread.terminate()
            # A thread still serving a connection the browser kept alive closes the shared
            # database connection when that connection ends: after dec_thread_sharing(), that
            # close fails the next test (« DatabaseWrapper objects created in a thread can only
            # be used in that same thread »). The browser has closed its contexts by now.
            httpd = getattr(thread, "httpd", None)  # absent if the server failed to start
            for request_thread in httpd.request_threads if httpd else []:
                request_thread.join(timeout=REQUEST_THREAD_TIMEOUT_S)
            for connection in in_memory.values():
                connection.dec_thread_sharing()


def static_names(urls, server: str) -> set[str]:
    """The static files' names (relative to STATIC_ROOT) among `urls` requested from `server`."""
    prefix = urlsplit(server + settings.STATIC_URL).path
    return {
        unquote(urlsplit(url).path.removeprefix(prefix))
        for url in urls
        if url.startswith(server) and urlsplit(url).path.startswith(prefix)
    }


@pytest.fixture
def production_static_server(collected_static, live_server, browser: Browser, demo):
    """The URL of a production-like server for /programme/, and the static files its first
    visit requests, all of them with their compressed copies."""
    root, storages = collected_static
    with whitenoise_server(root, storages) as server:
        discovery = browser.new_context(base_url=server, locale="fr-FR")
        requested: list[str] = []
        discovery.on("request", lambda request: requested.append(request.url))
        try:
            discovery.new_page().goto("/programme/", wait_until="networkidle")
        finally:
            discovery.close()
    compressed = static_names(requested, server)
    assert compressed, requested
    CompressedOnRequestStorage(location=root).compress(compressed)
    with whitenoise_server(root, storages) as server:
        yield server, compressed


def test_a_first_visit_to_the_programme_transfers_at_most_300_kb(
    browser: Browser, production_static_server, demo
):
    server, compressed = production_static_server
    context = browser.new_context(base_url=server, locale="fr-FR")
    page = context.new_page()
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    headers: dict[str, dict] = {}
    transferred: dict[str, int] = {}
    network.on(
        "Network.requestWillBeSent", lambda e: urls.update({e["requestId"]: e["request"]["url"]})
    )
    network.on(
        "Network.responseReceived",
        lambda e: headers.update({e["requestId"]: e["response"]["headers"]}),
    )
    network.on(
        "Network.loadingFinished",
        lambda e: transferred.update({e["requestId"]: e["encodedDataLength"]}),
    )
    try:
        page.goto("/programme/", wait_until="networkidle")
        page.wait_for_timeout(300)  # the last loadingFinished events
    finally:
        context.close()

    by_url = {
        urls[request]: size
        for request, size in transferred.items()
        if not urls[request].startswith("data:")  # inlined: no request
    }
    total = sum(by_url.values())
    # Each static file it received had its compressed copies, as after production's collectstatic.
    assert static_names(by_url, server) <= compressed, static_names(by_url, server) - compressed
    report = "\n".join(
        f"{size:>8} {url}" for url, size in sorted(by_url.items(), key=lambda i: -i[1])
    )
    assert total <= FIRST_VISIT_BUDGET, f"{total} bytes:\n{report}"
    # The icons our markup uses are inlined in css/icons.css: the SVG files still fetched are
    # the few that DSFR's own components draw (links, close buttons, the display settings).
    assert not [url for url in by_url if "utility" in url], report
    assert len([url for url in by_url if url.endswith(".svg")]) <= 8, report
    stylesheets = [r for r, url in urls.items() if url.endswith(".css")]
    assert stylesheets
    for request in stylesheets:
        sent = {name.lower(): value for name, value in headers[request].items()}
        assert sent.get("content-encoding") in {"gzip", "br"}, urls[request]
        assert "immutable" in sent["cache-control"], urls[request]
        assert "max-age=315360000" in sent["cache-control"], urls[request]
    fonts = [url for url in by_url if url.endswith(".woff2")]
    assert len(fonts) == len(set(fonts)), fonts  # the preloads are the very fonts used
    print(f"\nFirst visit to /programme/: {total} bytes in {len(by_url)} requests\n{report}")
