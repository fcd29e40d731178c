"""The worker's shared Chromium (conftest.SharedChromium) runs as `chromium.launch()` would."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .conftest import CHROMIUM, CHROMIUM_ARGS, SharedChromium

pytestmark = pytest.mark.e2e

#: What differs between the two ways of starting it: the profile, and how Playwright talks to it.
CONNECTION_SWITCHES = ("--user-data-dir=", "--remote-debugging-")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def switches(pid: int) -> list[str]:
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[1:-1]
    return [
        arg.decode() for arg in command_line if not arg.decode().startswith(CONNECTION_SWITCHES)
    ]


def test_shared_chromium_has_the_switches_of_playwrights_launch(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: apt-get install chromium-headless-shell")
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads the processes' command lines in Linux's /proc")
    shared = SharedChromium(tmp_path)
    shared.endpoint()
    try:
        shared_switches = switches(shared.process.pid)
    finally:
        shared.stop()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # Playwright's driver (node) is a child of this process, its Chromium a child of it.
            launched = [
                pid
                for driver in children(os.getpid())
                for pid in children(driver)
                if "--remote-debugging-pipe" in Path(f"/proc/{pid}/cmdline").read_text()
            ]
            assert len(launched) == 1
            launch_switches = switches(launched[0])
        finally:
            browser.close()
    assert shared_switches == launch_switches
