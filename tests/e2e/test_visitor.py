"""A visitor's own tools in a real browser: « Mon programme » (star, list, calendar, share) and
the embeddable widget, framed by another site. axe-core and the Nu HTML checker on each page.
The data is the real 2022 edition (fixtures/reference.json and demo_2022.json)."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from events.models import Event
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.hit_test import WIDTHS, covered_controls
from tests.e2e.html_checker import assert_valid_html

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TI_LAB_SLUG = "ti-lab-fete-son-anniversaire"


def _title(slug: str) -> str:
    return Event.objects.get(slug=slug).title


@pytest.mark.parametrize("width", WIDTHS)
def test_every_star_button_of_a_card_takes_a_click(page: Page, demo, width):
    """The star form once followed its card in the grid cell: the next row's card, with its
    enlarged link, covered the lower half of the button. In the card's footer it is whole."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/programme/")
    stars = page.locator("#programme-list").get_by_role("button", name="Ajouter à mon programme")
    assert stars.count() > 2

    assert covered_controls(page) == []
    # The first card's button, which the second row covered; a click at its lower edge too.
    first = stars.first
    box = first.bounding_box()
    first.click(position={"x": box["width"] / 2, "y": box["height"] - 2})
    expect(page).to_have_url(re.compile(r"/programme/#etoile-"))
    expect(page.locator("#programme-list").get_by_role("button", name="Retirer")).to_have_count(1)


def test_visitor_stars_an_event_then_finds_downloads_and_shares_mon_programme(
    page: Page, browser: Browser, live_server, demo
):
    title = _title(TI_LAB_SLUG)
    page.goto("/mon-programme/")
    expect(page.get_by_role("heading", name="Votre programme est vide")).to_be_visible()
    assert_valid_html(page)
    assert_no_axe_violations(page)

    page.goto("/programme/?region=53")
    page.get_by_role("button", name=f"Ajouter à mon programme : {title}").click()

    # Back on the same selection, the button now removes the event.
    expect(page).to_have_url(re.compile(r"/programme/\?region=53#etoile-" + TI_LAB_SLUG))
    expect(page.get_by_role("button", name=f"Retirer de mon programme : {title}")).to_be_visible()

    page.goto("/mon-programme/")
    expect(page.get_by_role("heading", name="1 événement")).to_be_visible()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert_valid_html(page)
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger mon programme (.ics)").click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == [title]

    # Someone else opens the share link and imports the programme into their own.
    share_url = page.get_by_label("Lien de partage").input_value()
    other = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        friend = other.new_page()
        friend.goto(share_url.replace("http://127.0.0.1:8000", live_server.url))
        expect(friend.get_by_role("link", name=title)).to_be_visible()
        assert_valid_html(friend)
        assert_no_axe_violations(friend)
        friend.get_by_role("button", name=re.compile("Importer dans mon programme")).click()
        expect(friend).to_have_url(re.compile(r"/mon-programme/$"))
        expect(friend.get_by_role("link", name=title)).to_be_visible()
    finally:
        other.close()

    # Removing it from the event page empties the programme.
    page.goto(f"/evenements/{TI_LAB_SLUG}/")
    page.get_by_role("button", name=f"Retirer de mon programme : {title}").click()
    expect(page.get_by_role("button", name=f"Ajouter à mon programme : {title}")).to_be_visible()
    page.goto("/mon-programme/")
    expect(page.get_by_role("heading", name="Votre programme est vide")).to_be_visible()


def test_starring_works_without_javascript(browser: Browser, live_server, demo):
    title = _title(TI_LAB_SLUG)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/evenements/{TI_LAB_SLUG}/")
        page.get_by_role("button", name=f"Ajouter à mon programme : {title}").click()
        page.goto("/mon-programme/")
        expect(page.get_by_role("link", name=title)).to_be_visible()
    finally:
        context.close()


def test_integrer_builds_the_snippet_and_previews_the_embedded_list(page: Page, demo):
    page.goto("/programme/?region=53")
    page.get_by_role("link", name="Intégrer cette sélection sur votre site").click()
    expect(page).to_have_url(re.compile(r"/integrer/\?region=53$"))
    expect(page.locator("h1")).to_have_text("Intégrer le programme sur votre site")

    page.get_by_label("Nombre d’événements affichés").fill("5")
    page.get_by_role("button", name="Mettre à jour le code").click()

    snippet = page.get_by_label("Code HTML").input_value()
    assert re.search(
        r'<iframe src="http[^"]+/integrer/programme/\?region=53&amp;nombre=5"', snippet
    )
    preview = page.frame_locator("iframe.moisinno-embed-preview")
    expect(preview.locator("h1")).to_have_text(re.compile("Mois de l’innovation publique 2022"))
    expect(preview.get_by_role("link", name=re.compile(_title(TI_LAB_SLUG)))).to_be_visible()
    assert_valid_html(page)
    assert_no_axe_violations(page)

    page.goto("/integrer/programme/?region=53")
    expect(page.locator("h1")).to_have_text(re.compile("2022"))
    assert page.locator("script").count() == 0
    assert_valid_html(page)
    assert_no_axe_violations(page)


@contextmanager
def partner_site(html: str) -> Iterator[str]:
    """Another site, on another origin: a page served on 127.0.0.1 by a server of its own
    (local, so that Chromium's private network protection lets it frame the live server)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_another_site_may_frame_the_embedded_list_and_nothing_else(
    browser: Browser, live_server, demo
):
    """A partner's page frames the widget and the programme: the browser shows the first and
    refuses the second (frame-ancestors 'none', X-Frame-Options: DENY)."""
    base = live_server.url.replace("127.0.0.1", "localhost")  # not the partner's origin
    partner_page = (
        "<!DOCTYPE html><html lang='fr'><head><title>Partenaire</title></head><body>"
        f"<iframe id='widget' src='{base}/integrer/programme/'></iframe>"
        f"<iframe id='programme' src='{base}/programme/'></iframe>"
        "</body></html>"
    )
    context = browser.new_context()
    try:
        with partner_site(partner_page) as url:
            page = context.new_page()
            page.goto(url)

            widget = page.frame_locator("#widget")
            expect(widget.locator("h1")).to_have_text(re.compile("Mois de l’innovation publique"))
            link = widget.get_by_role("link", name=re.compile(_title(TI_LAB_SLUG))).first
            expect(link).to_have_attribute("target", "_blank")
            expect(link).to_have_attribute(
                "href", re.compile(rf"^https?://.+/evenements/{TI_LAB_SLUG}/$")
            )
            page.wait_for_load_state("load")
            # Chromium replaces a refused frame with its error page.
            refused = page.locator("#programme").content_frame
            expect(refused.locator("h1", has_text="Programme")).to_have_count(0)
            frames = {frame.url for frame in page.frames}
            assert f"{base}/integrer/programme/" in frames
            assert f"{base}/programme/" not in frames
            assert "chrome-error://chromewebdata/" in frames
    finally:
        context.close()
