"""The two checks of a page in the browser journeys: axe-core on the page as the visitor sees it,
the Nu HTML checker on the document the server sent."""

from playwright.sync_api import Page

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html


def scan(page: Page, html: str | None = None) -> None:
    """axe on the page as it is now; the HTML checker on `html`, the document the server sent
    (that of a POST's answer), else on the page's URL fetched again. Never on the DOM: it holds
    what DSFR's scripts add at run time (an `aria-labelledby` the checker refuses)."""
    assert_no_axe_violations(page)
    assert_valid_html(page, html=html)
