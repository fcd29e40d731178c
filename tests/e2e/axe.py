"""axe-core accessibility scan for the browser tests (target: RGAA 4 / WCAG 2.1 AA).

axe-playwright-python ships axe-core's `axe.min.js` inside the package (the version is on the
file's first line). It injects the script with `page.evaluate`. That call goes through the
DevTools protocol, so the site's CSP (script-src 'self') does not block it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]


def _target(node: dict) -> str:
    # A target is a list of CSS selectors, nested when the node is inside a frame/shadow root.
    return " >>> ".join(
        " ".join(part) if isinstance(part, list) else part for part in node["target"]
    )


def _snippet(node: dict, limit: int = 160) -> str:
    html = " ".join(node.get("html", "").split())
    return html if len(html) <= limit else html[: limit - 1] + "…"


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            messages = [
                check["message"]
                for check in node.get("any", []) + node.get("all", []) + node.get("none", [])
            ]
            lines.append(f"    * {_target(node)}")
            lines.append(f"        {_snippet(node)}")
            lines.extend(f"        {message}" for message in messages)
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail the test with a readable list if axe-core finds any WCAG 2.1 A/AA violation."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{len(violations)} axe-core violation(s) on {page.url}:\n"
            f"{format_violations(violations)}",
            pytrace=False,
        )
