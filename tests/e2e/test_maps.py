"""The maps in a real browser: tiles from a LOCAL tile URL (the live server), markers, the
organiser's draggable marker filling the fields, axe-core on each page with a map, and the
pages without JavaScript (the list alone)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from events.models import Event, EventSession
from events.sessions import sessions_place_approximately
from labs.models import Lab
from tests.e2e.axe import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def on_the_map(demo, settings, live_server):
    """The 2022 events placed at their department's centre, tiles served by the live server."""
    settings.MAP_TILES_URL = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?tile={{z}}-{{x}}-{{y}}"
    )
    settings.MAP_TILES_ATTRIBUTION = "Tuiles de test"
    placed = sessions_place_approximately(
        sessions=EventSession.objects.select_related("event"), spread=0.05
    )
    assert placed
    lab = Lab.objects.order_by("pk").first()
    lab.latitude, lab.longitude = 48.11, -1.68
    lab.save()
    located = Event.objects.public().filter(sessions__latitude__isnull=False).order_by("pk").first()
    return located.get_absolute_url()


def expect_map_with_local_tiles(page: Page, map_id: str, live_server) -> None:
    tile = page.locator(f"#{map_id} img.leaflet-tile-loaded").first
    expect(tile).to_be_visible()
    assert tile.get_attribute("src").startswith(f"{live_server.url}/static/")
    expect(page.locator(f"#{map_id} .leaflet-control-attribution")).to_contain_text(
        "Tuiles de test"
    )


def test_event_page_map_shows_its_place(page: Page, on_the_map, live_server):
    page.goto(on_the_map)

    expect_map_with_local_tiles(page, "event-map", live_server)
    marker = page.locator("#event-map .leaflet-marker-icon")
    expect(marker.first).to_be_visible()
    marker.click()
    expect(page.locator("#event-map .leaflet-popup-content")).to_contain_text(
        "Emplacement approximatif"
    )
    expect(page.get_by_text("Emplacement approximatif").first).to_be_visible()
    assert_no_axe_violations(page)


def test_programme_map_clusters_the_whole_selection(page: Page, on_the_map, live_server):
    located = EventSession.objects.filter(
        event__in=Event.objects.public().filter(edition__is_current=True),
        latitude__isnull=False,
    ).count()
    assert located > 1
    page.goto("/programme/")
    # Leaflet loads on demand: the first visit stays light (test_first_visit).
    assert page.evaluate("typeof window.L") == "undefined"
    page.get_by_role("button", name="Afficher la carte de la sélection").click()

    expect_map_with_local_tiles(page, "programme-map", live_server)
    expect(page.locator("#programme-map")).to_have_attribute("data-markers", re.compile(r"\d+"))
    markers = int(page.locator("#programme-map").get_attribute("data-markers"))
    assert markers == located  # every located session of the selection, not just the page
    expect(page.locator("#programme-map-status")).to_contain_text("lieux sur la carte")
    assert_no_axe_violations(page)


def test_labs_atlas_map(page: Page, on_the_map, live_server):
    page.goto("/labs/")

    expect_map_with_local_tiles(page, "labs-map", live_server)
    expect(page.locator("#labs-map .leaflet-marker-icon")).to_have_count(1)
    assert_no_axe_violations(page)


def test_without_javascript_the_pages_are_their_lists(browser: Browser, live_server, on_the_map):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(on_the_map)
        expect(page.locator("#event-map")).to_be_hidden()
        expect(page.get_by_role("heading", name="Sur la carte")).to_be_hidden()
        page.goto("/programme/")
        expect(page.locator("#programme-map")).to_be_hidden()
        expect(page.locator("#programme-list > li").first).to_be_visible()
    finally:
        context.close()
