"""The Nu HTML checker (vnu, the W3C validator) for the browser tests.

`npm ci` (run by `make install` when npm is there) puts the checker's jar, from the npm
registry's `vnu-jar` package, in `node_modules/`. It needs Java 11+. One checker runs as a
local HTTP service for the whole test session: starting the JVM for each page would cost a
second or two every time. Without Java or the jar, the check is skipped with a reason.
"""

import atexit
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

JAR = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
STARTUP_SECONDS = 60

_service: dict = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _checker_url() -> str:
    """The URL of the running checker, started on first use."""
    if "url" in _service:
        return _service["url"]
    java = shutil.which("java")
    if java is None or not JAR.exists():
        pytest.skip("Nu HTML checker missing: install Java and run `npm ci` (make install)")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed command, our own jar
        [java, "-Xss8m", "-cp", str(JAR), "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(process.terminate)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail("The Nu HTML checker stopped at start-up.", pytrace=False)
            time.sleep(0.25)
    else:
        pytest.fail("The Nu HTML checker did not start within a minute.", pytrace=False)
    _service["url"] = url
    return url


def html_messages(html: str) -> list[dict]:
    """The checker's errors (and warnings marked as errors) for a whole HTML document."""
    request = urllib.request.Request(  # noqa: S310 - a local http URL of our own checker
        _checker_url() + "?out=json",
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
