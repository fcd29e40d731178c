"""The Nu HTML checker (vnu, the W3C validator) for the browser tests.

`npm ci` (run by `make install` when npm is there) puts the checker's jar, from the npm
registry's `vnu-jar` package, in `node_modules/`. It needs Java 11+. One checker runs as a
local HTTP service for the whole test session (one per xdist worker, each on its own port):
starting the JVM for each page would cost a second or two every time. Without Java or the jar,
the check is skipped with a reason.
"""

import atexit
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.parallel import free_port

JAR = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
#: A checker lives for one test session and checks a few dozen pages: the JVM's quick
#: compiler alone (no second, optimising pass) and its single-threaded collector halve the
#: processor time it takes from the tests on a 2-core machine (15 s to 7 s for a start and
#: 40 checks of the admin's event page, measured with `/proc/<pid>/stat`), and it starts sooner.
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
STARTUP_SECONDS = 60
STARTUP_ATTEMPTS = 3

_service: dict = {}


def _checker_url() -> str:
    """The URL of the running checker, started on first use."""
    if "url" in _service:
        return _service["url"]
    java = shutil.which("java")
    if java is None or not JAR.exists():
        pytest.skip("Nu HTML checker missing: install Java and run `npm ci` (make install)")
    for _ in range(STARTUP_ATTEMPTS):
        # The checker takes a port number only: another process (a test of another xdist
        # worker) may bind the free port first, then the checker stops and we try another.
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own jar
            [java, "-Xss8m", *JVM_OPTIONS, "-cp", str(JAR), "nu.validator.servlet.Main", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _started(process, url):
            atexit.register(process.terminate)
            _service["url"] = url
            return url
        process.terminate()
        process.wait()
    pytest.fail("The Nu HTML checker did not start.", pytrace=False)


def _started(process: subprocess.Popen, url: str) -> bool:
    """Whether our checker answers at `url` (a check of a tiny document) within a minute."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            html_messages("<!DOCTYPE html><html lang=fr><title>t</title></html>", url)
        except (OSError, ValueError, KeyError):  # not listening yet, or not the checker
            time.sleep(0.25)
        else:
            return process.poll() is None
    return False


def html_messages(html: str, url: str | None = None) -> list[dict]:
    """The checker's errors (and warnings marked as errors) for a whole HTML document."""
    request = urllib.request.Request(  # noqa: S310 - a local http URL of our own checker
        (url or _checker_url()) + "?out=json",
        data=html.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        messages = json.load(response)["messages"]
    return [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]


def format_messages(messages: list[dict]) -> str:
    return "\n".join(
        f"- line {m.get('lastLine', '?')}: {m.get('message', '')} | {m.get('extract', '')!r}"
        for m in messages
    )


def assert_valid_html(page: Page, html: str | None = None) -> None:
    """Fail the test with the checker's errors if the page's HTML is not valid.

    The checker reads the document as the server sends it, not the DOM after scripts ran:
    by default the page's URL fetched again with the same cookies (for a GET page); pass
    `html` for a page that answered a POST."""
    if html is None:
        html = page.context.request.get(page.url).text()
    messages = html_messages(html)
    if messages:
        pytest.fail(
            f"{len(messages)} Nu HTML checker error(s) on {page.url}:\n"
            + format_messages(messages),
            pytrace=False,
        )
