"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The browser is Debian's `chromium-headless-shell` package (Chromium's headless shell, the build
Playwright's own `launch(headless=True)` runs), not Playwright's own download: install it with
`apt-get install chromium-headless-shell`. Without it the e2e tests are skipped; the rest of the
suite runs.
Every e2e test module sets
`pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]`:
the live server runs in another thread, so the test data must be committed for it to see it,
and each test starts from the migrated data (the moderator group of a data migration).
"""

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from events.models import Edition
from events.search import events_refresh_search
from tests.factories import current_edition
from tests.servers import end_process

#: Chromium's headless shell: the same engine (Blink, V8, the same version as Debian's `chromium`)
#: without the desktop browser's layer. Playwright itself runs it for `launch(headless=True)`.
#: The browser tests took 300 s of its processor time with the full `chromium` binary in
#: headless mode and 172 s with the shell, same tests, same axe and HTML checker figures
#: (`pytest -n 2 tests/e2e`, processes' time read from /proc; wall time 229 s to 168 s).
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI runners run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the tests must not depend on, or talk to, anything but the live server.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000

#: The switches Playwright's own `chromium.launch(headless=True)` adds before CHROMIUM_ARGS
#: (playwright-core's `chromiumSwitches` and headless defaults). The worker's shared Chromium
#: (SharedChromium) is started with them so that pages behave as under `launch()`: no scrollbar
#: taking width, no throttled background tabs, no back-forward cache, a mouse as pointer…
#: test_shared_chromium.py fails when a Playwright upgrade changes them.
PLAYWRIGHT_SWITCHES = [
    "--disable-field-trial-config",
    "--disable-background-networking",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-back-forward-cache",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    "--disable-component-update",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-edgeupdater",
    "--disable-extensions",
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,"
    "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,"
    "ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,"
    "OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,"
    "msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion",
    "--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies",
    "--allow-pre-commit-input",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-updater-scheduler",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--no-first-run",
    "--password-store=basic",
    "--use-mock-keychain",
    "--no-service-autorun",
    "--disable-search-engine-choice-screen",
    "--unsafely-disable-devtools-self-xss-warnings",
    "--enable-unsafe-swiftshader",
    "--edge-skip-compat-layer-relaunch",
    "--disable-stack-profiler",
    "--disable-infobars",
    "--disable-sync",
    "--do-not-de-elevate",
    "--headless",
    "--hide-scrollbars",
    "--mute-audio",
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,"
    "availablePointerTypes=4",
    "--no-sandbox",
]
STARTUP_TIMEOUT_S = 30


class SharedChromium:
    """One Chromium process for all the browser tests of a pytest(-xdist) worker.

    Launching a browser per test cost about a quarter of a second of CPU and of wall time,
    every test. This one starts once, as a plain subprocess listening for the DevTools protocol
    on a port of 127.0.0.1 the system chose (`--remote-debugging-port=0`, read back from the
    profile's DevToolsActivePort file), and each test connects to it with `connect_over_cdp`.
    Tests stay isolated: each context they open is a new incognito browser context (own
    cookies, storage and HTTP cache), and `browser.close()` disposes of all of them at the end
    of the test. A Chromium that died (crash) is started again for the next test. Like any
    DevTools port, it accepts any local process: only for test machines.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.log = None
        self.ws_endpoint = ""

    @property
    def args(self) -> list[str]:
        """The switches before the profile and DevTools ones: those of `chromium.launch()`."""
        return [*PLAYWRIGHT_SWITCHES, *CHROMIUM_ARGS]

    def endpoint(self) -> str:
        """The DevTools WebSocket URL of a running Chromium, started if need be."""
        if self.process is None or self.process.poll() is not None:
            self.stop()
            self._start()
        return self.ws_endpoint

    def _start(self) -> None:
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=self.directory))
        self.log = open(profile.with_suffix(".log"), "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                *self.args,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "--no-startup-window",
            ],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        active_port = profile / "DevToolsActivePort"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            lines = active_port.read_text().split() if active_port.exists() else []
            if len(lines) == 2:  # the port, then the browser target's path
                self.ws_endpoint = f"ws://127.0.0.1:{lines[0]}{lines[1]}"
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = profile.with_suffix(".log").read_text(errors="replace")
                raise RuntimeError(f"Chromium did not start its DevTools server:\n{log}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            end_process(self.process)
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only after the test database exists.

    pytest sets up session fixtures first. Without this, the server starts before
    `django_db_setup` switches SQLite to its in-memory test database, so it cannot share the
    test's connection (pytest-django#1197). Each request thread then opens its own connection
    to the in-memory database and never closes it: with warnings as errors, Python 3.13's
    "unclosed database" ResourceWarning fails the run.

    With SQLite in memory, every request thread shares that one connection, and two requests
    at once (a page's images, each read from the database) break it: « bad parameter or other
    API misuse », an image missing (seen about once in six runs of tests/e2e/test_kit.py).
    The server then runs one request at a time, its response read whole under the same lock.
    PostgreSQL (CI) gives each thread its own connection and keeps requests concurrent.
    """
    if live_server.thread.connections_override:
        application = live_server.thread.httpd.get_app()
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        live_server.thread.httpd.set_app(one_at_a_time)
    return live_server


@pytest.fixture(scope="session")
def shared_chromium(tmp_path_factory) -> Iterator[SharedChromium]:
    """This worker's Chromium (SharedChromium), started at its first browser test.

    Playwright's driver (a Node.js process, started for each test: see `browser`) keeps the
    bytecode it compiled in this worker's NODE_COMPILE_CACHE: each later start reads it instead
    of compiling Playwright's modules again (0.59 s to 0.39 s of processor time and 0.52 s to
    0.33 s of wall time a start, measured over 5 starts of `sync_playwright()` here).
    """
    os.environ.setdefault("NODE_COMPILE_CACHE", str(tmp_path_factory.mktemp("node-compile")))
    chromium = SharedChromium(tmp_path_factory.mktemp("chromium"))
    yield chromium
    chromium.stop()


class PlaywrightDriver:
    """Playwright's driver (a Node.js process) and its event loop, kept from one browser test
    of this worker to the next while they follow each other.

    While Playwright's sync API runs, asyncio sees an event loop running in this thread, and
    Django then keeps other database connections for that "async" context (asgiref.Local):
    objects of their own, without the serialized data that `serialized_rollback` restores
    (`_test_serialized_contents`, kept on the connection objects that created the test
    databases). The driver copies it onto them when it starts; the tests' set-up and flush
    then use those connections as long as the driver runs. The same running loop makes Django
    raise SynchronousOnlyOperation on any ORM call from this thread (creating data,
    assertions), although the tests are synchronous, the known pytest-django + Playwright
    interaction: DJANGO_ALLOW_ASYNC_UNSAFE switches Django's check off while the driver runs.

    The driver stops after the last of a run of consecutive browser tests (the next test of
    the worker, known to `pytest_runtest_teardown`, uses no browser), so that the other tests
    run as everywhere else, with the thread's own connections. Started for each test, the
    driver's Node.js took 53 s of processor time over `pytest -n 2 tests/e2e`; 28 s now.
    """

    def __init__(self):
        self.manager = None
        self.playwright = None
        self.previous_env = None

    def start(self):
        if self.playwright is not None:
            return self.playwright
        serialized = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
        self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.manager = sync_playwright()
        self.playwright = self.manager.start()
        # From here on, `connections[alias]` are the "async" context's connections.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        return self.playwright

    def stop(self):
        if self.playwright is None:
            return
        # The "async" context's connections: closed while it exists, else PostgreSQL cannot
        # drop the test database at the end of the run (nor SQLite free its memory).
        connections.close_all()
        self.manager.__exit__()
        self.manager = self.playwright = None
        if self.previous_env is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


#: The test this worker runs after the one tearing down (None: none known yet).
_next_test: dict[str, pytest.Item | None] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Remember the next test before the fixtures of this one tear down (`browser`)."""
    _next_test["item"] = nextitem


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[PlaywrightDriver]:
    driver = PlaywrightDriver()
    yield driver
    driver.stop()


@pytest.fixture
def browser(
    transactional_db,
    django_db_serialized_rollback,
    live_server,
    shared_chromium,
    playwright_driver,
) -> Iterator[Browser]:
    """The worker's Chromium for one test, through the worker's Playwright driver
    (PlaywrightDriver), connected after the test database is ready and disconnected,
    closing the test's browser contexts, before flush.

    Every browser test is transactional with serialized rollback, even if its module forgets
    the marker. A plain transactional flush re-creates content types with new ids, and the
    next `serialized_rollback` test of the suite then fails to restore its data.
    """
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: apt-get install chromium-headless-shell")
    endpoint = shared_chromium.endpoint()
    playwright = playwright_driver.start()
    browser = playwright.chromium.connect_over_cdp(endpoint)
    try:
        yield browser
    finally:
        # ORM calls made by the test body while the loop ran opened connections that
        # belong to this "async" context: close them while it still exists.
        connections.close_all()
        # Over CDP, close() disposes of every context the test opened (new_context,
        # new_page: their cookies, storage, cache) and disconnects; the shared Chromium
        # keeps running for the next test.
        try:
            browser.close()
        finally:
            following = _next_test.get("item")
            if following is None or "browser" not in getattr(following, "fixturenames", ()):
                playwright_driver.stop()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser context (no cookies) with its base URL on the live server.

    `page.goto("/programme/")` opens the live server's programme page. The site's strict CSP
    is enforced as in a real browser, and any CSP violation fails the test at teardown.
    """
    # No bypass_csp: the CSP does not block the axe-core scan. axe-playwright-python injects
    # axe with page.evaluate, which goes through the DevTools protocol, not through a <script>
    # element. Keeping the CSP on is what lets these tests catch an inline script or style.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    csp_violations: list[str] = []

    def record_csp_violation(message: ConsoleMessage) -> None:
        # Chromium reports "Refused to … because it violates the following Content Security
        # Policy directive: …" as a console error.
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", record_csp_violation)
    yield page
    context.close()
    if csp_violations:
        pytest.fail(
            "Content Security Policy violation(s):\n" + "\n".join(csp_violations), pytrace=False
        )


@pytest.fixture(autouse=True)
def _close_test_thread_connections():
    """PostgreSQL refuses to drop the test database while this thread's connections are open
    (the ORM calls of a test run while Playwright's event loop runs in this thread)."""
    yield
    connections.close_all()


@pytest.fixture
def demo():
    """The real 2022 edition (fixtures/reference.json and demo_2022.json), searchable."""
    call_command("loaddata", "reference", "demo_2022", verbosity=0)
    events_refresh_search()  # the search vectors (PostgreSQL) are not in the fixtures
    # Close what this fixture opened, here: with Playwright's event loop running, Django keeps
    # connections per asyncio context and the teardown would miss this one.
    connections.close_all()


def open_edition() -> Edition:
    """A new current edition, two months ahead, whose referencing window is open today."""
    # A transactional test that ran before may have flushed the site row of the migrations.
    Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": "localhost", "name": "Moisinno"}
    )
    Edition.objects.update(is_current=False)
    # Ten years on: never the year of an edition of the demo data.
    return current_edition(opens=-30, years_later=10)
