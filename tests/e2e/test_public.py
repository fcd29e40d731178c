"""A visitor's journeys in a real browser: filter the programme, open an event, add it to a
calendar, browse the calendar and the labs (the accessibility sweep, test_sweep.py, scans every
public page). The data is the real 2022 edition (fixtures/reference.json and demo_2022.json)."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def results_heading(page: Page):
    return page.locator("#results-title")


def test_visitor_filters_the_programme_opens_an_event_and_downloads_its_ics(page: Page, demo):
    page.goto("/programme/")
    expect(results_heading(page)).to_have_text(re.compile(r"11\s+événements"))

    # Region and format, then the form's submit button: a shareable URL.
    page.get_by_label("Région").select_option("53")  # Bretagne
    page.get_by_role("button", name="Afficher les résultats").click()
    expect(page).to_have_url(re.compile(r"region=53"))
    expect(results_heading(page)).to_have_text(re.compile(r"1\s+événement"))
    expect(
        page.get_by_role("link", name=re.compile("Retirer le critère.*Bretagne"))
    ).to_be_visible()

    # Remove the criterion with its tag; search instead, accents and case ignored.
    page.get_by_role("link", name=re.compile("Retirer le critère.*Bretagne")).click()
    expect(results_heading(page)).to_have_text(re.compile(r"11\s+événements"))
    page.get_by_label("Rechercher").fill("INTELLIGENCE EMOTIONNELLE")
    page.get_by_label("Rechercher").press("Enter")
    expect(results_heading(page)).to_have_text(re.compile(r"1\s+événement"))

    page.get_by_role("link", name=re.compile("intelligence émotionnelle", re.I)).first.click()
    expect(page.locator("h1")).to_have_text(re.compile("intelligence émotionnelle", re.I))
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(download.path().read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert "intelligence émotionnelle" in str(vevent["SUMMARY"]).lower()
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_programme_works_without_javascript(browser: Browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/programme/")
        page.locator("label[for=id_mode_1]", has_text="En ligne").click()  # DSFR checkbox
        page.get_by_role("button", name="Afficher les résultats").click()
        expect(page).to_have_url(re.compile(r"mode=online"))
        expect(results_heading(page)).to_have_text(re.compile(r"4\s+événements"))
        # The checkbox groups are native disclosure widgets.
        page.locator("summary", has_text="Thématiques").click()
        expect(page.get_by_role("group", name="Thématiques")).to_be_visible()
    finally:
        context.close()


def test_keyboard_users_see_where_the_focus_is(page: Page, demo):
    page.goto("/programme/")
    page.get_by_label("Rechercher").focus()

    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

    assert outline not in ("", "none")


def test_calendar_links_each_day_to_its_events(page: Page, demo):
    page.goto("/programme/calendrier/")

    page.get_by_role("link", name=re.compile(r"le vendredi 18 novembre 2022")).click()

    expect(page).to_have_url(re.compile(r"du=2022-11-18&au=2022-11-18"))
    expect(results_heading(page)).to_have_text(re.compile(r"2\s+événements"))


def _plain(text: str) -> str:
    """Typographic apostrophes (l’innovation) compared as plain ones."""
    return " ".join(text.replace("\u2019", "'").split())


def test_home_names_the_edition_and_past_figures_are_valid_and_accessible(page: Page, demo):
    """Every public page template is checked (one heading, the Nu checker, axe-core) by the
    accessibility sweep (test_sweep.py); here, what it does not visit or read."""
    page.goto("/")
    assert "Mois de l'innovation publique" in _plain(page.title())
    heading = _plain(page.locator("h1").inner_text())
    assert "Mois de l'innovation publique" in heading and "2022" in heading

    # The figures of a past edition: the sweep opens the current one's.
    response = page.goto("/chiffres/?edition=2021")
    assert response is not None and response.status == 200
    assert page.locator("h1").count() == 1
    assert_valid_html(page)
    assert_no_axe_violations(page)


def test_small_screen_menu_opens_as_a_dialog_named_by_its_button(page: Page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")

    page.get_by_role("button", name="Menu", exact=True).click()

    expect(page.get_by_role("dialog", name="Menu")).to_be_visible()
