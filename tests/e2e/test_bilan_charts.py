"""The bilan pages' charts in a real browser: the State's `<bar-chart>` component
(static/vendor/dsfr-chart/) drawn from each breakdown's table under the strict CSP (the
`page` fixture fails on any violation), the table and the summary kept; without JavaScript,
the server's SVG bars and the same tables. Nu checker and axe-core on each page."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html
from tests.e2e.test_moderation import log_in_to_admin
from tests.factories import UserFactory
from tests.results.conftest import bilan_edition  # noqa: F401  (the 2025 edition, by hand)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC = "/editions/2025/bilan/"
ADMIN = "/admin/results/eventoutcome/bilan/?edition=2025"
# The breakdowns charted (region, format, theme among them), one table each.
CHARTED = ("Par région", "Par format", "Par thème")


@pytest.fixture
def published(bilan_edition):  # noqa: F811
    bilan_edition.bilan_published_at = timezone.now() - datetime.timedelta(days=1)
    bilan_edition.save()
    return bilan_edition


def expect_drawn_charts(page: Page) -> None:
    for title in CHARTED:
        section = page.locator("section").filter(has=page.get_by_role("heading", name=title))
        # The component drew the chart (Chart.js's canvas inside the web component), above
        # the section's table.
        expect(section.locator("[data-bilan-chart] bar-chart canvas")).to_be_visible()
        expect(section.get_by_role("table", name=f"{title} — édition 2025")).to_be_visible()
    # Every server SVG made way for a component.
    blocks = page.locator("[data-bilan-chart]")
    expect(page.locator("[data-bilan-chart] bar-chart")).to_have_count(blocks.count())
    expect(page.locator("[data-bilan-chart] svg")).to_have_count(0)


def test_the_public_bilan_draws_the_state_charts(page: Page, published):
    page.goto(PUBLIC)
    expect_drawn_charts(page)
    region = page.locator("[data-bilan-chart] bar-chart").first
    # The component's data are the table's: the regions and their declared participants.
    assert '"Bretagne"' in region.get_attribute("x")
    assert '"Île-de-France"' in region.get_attribute("x")
    assert "40" in region.get_attribute("y") and "30" in region.get_attribute("y")
    assert region.get_attribute("name") == '["Participants"]'
    expect(page.get_by_text("Le plus de participants : Île-de-France, avec 40")).to_be_visible()
    assert_valid_html(page)
    assert_no_axe_violations(page)


def test_the_public_bilan_without_javascript(browser: Browser, live_server, published):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(PUBLIC)
        for title in CHARTED:
            section = page.locator("section").filter(has=page.get_by_role("heading", name=title))
            expect(section.locator("[data-bilan-chart] svg")).to_have_count(1)
            expect(section.get_by_role("table", name=f"{title} — édition 2025")).to_be_visible()
        expect(page.locator("bar-chart")).to_have_count(0)
        expect(page.get_by_text("Le plus de participants : Île-de-France, avec 40")).to_be_visible()
        assert_valid_html(page)
    finally:
        context.close()
    # axe-core runs through page.evaluate, which a context without JavaScript refuses: the
    # same page with none of its scripts loaded stands for it.
    context = browser.new_context(base_url=live_server.url)
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(PUBLIC)
        expect(page.locator("[data-bilan-chart] svg").first).to_be_visible()
        expect(page.locator("bar-chart")).to_have_count(0)
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_the_back_office_bilan_draws_the_state_charts(page: Page, bilan_edition):  # noqa: F811
    moderator = UserFactory(moderator=True, email="bilan@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    log_in_to_admin(page, moderator.email)
    page.goto(ADMIN)
    expect_drawn_charts(page)
    assert '"Participants déclarés"' in page.locator("bar-chart").first.get_attribute("name")
    assert_valid_html(page)
    assert_no_axe_violations(page)
