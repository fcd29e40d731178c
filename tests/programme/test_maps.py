"""Maps on the public pages: the event page, the programme (its GeoJSON feed), the labs atlas.

Each map is hidden until its script runs (the list is the page without JavaScript), reads its
points from a `json_script` or a cached feed, never from an inline script, and its tiles come
from a server the CSP allows."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import AttendanceMode, LocationPrecision
from events.models import EventSession
from events.sessions import sessions_place_approximately
from tests.factories import EditionFactory, EventFactory, EventSessionFactory, LabFactory

NOV = datetime.date(2022, 11, 1)


def locate(session, latitude, longitude, precision=LocationPrecision.ADDRESS):
    session.latitude = Decimal(latitude)
    session.longitude = Decimal(longitude)
    session.location_precision = precision
    session.geocoded_address = session.event.postal_address
    session.save()


@pytest.fixture
def current(db):
    return EditionFactory(is_current=True)


@pytest.fixture
def located(current):
    event = EventFactory(
        edition=current,
        published=True,
        slug="fresque",
        title="Fresque du numérique",
        venue_name="Préfecture d’Ille-et-Vilaine",
        address="3 avenue de la Préfecture",
        postal_code="35000",
        city="Rennes",
    )
    locate(event.sessions.get(), "48.117266", "-1.677793")
    return event


def json_script(html: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


def geojson(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_event_page_shows_its_sessions_on_a_map_next_to_the_list(client, located):
    html = client.get("/evenements/fresque/").content.decode()

    assert json_script(html, "event-map-points") == [
        {
            "lat": 48.117266,
            "lon": -1.677793,
            "title": "Préfecture d’Ille-et-Vilaine",
            "detail": json_script(html, "event-map-points")[0]["detail"],
            "sessions": 1,
            "approximate": False,
        }
    ]
    # The map: labelled, skippable, hidden without JavaScript, fed by data attributes.
    block = re.search(r'<div class="moisinno-map-block[^>]*>', html).group(0)
    assert "hidden" in block
    assert 'data-points="event-map-points"' in html
    assert 'aria-label="Carte du lieu de l’événement' in html
    assert 'href="#event-map-end">Passer la carte</a>' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/js/maps.js" in html
    # The list stays: the place written out and the sessions.
    assert "3 avenue de la Préfecture, 35000 Rennes" in html
    assert "Emplacement approximatif" not in html
    # No script but data: every <script> has a src or is JSON.
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        assert "application/json" in tag or "application/ld+json" in tag, tag


def test_an_approximate_point_is_said_so(client, located):
    locate(located.sessions.get(), "48.1173", "-1.6778", LocationPrecision.DEPARTMENT)

    html = client.get("/evenements/fresque/").content.decode()

    assert "Emplacement approximatif" in html
    assert json_script(html, "event-map-points")[0]["approximate"] is True


def test_sessions_at_one_address_share_one_marker_at_their_best_point(client, located):
    """Two sessions at one address showed two markers, the second one approximate."""
    second = EventSessionFactory(event=located, date=NOV.replace(day=21))
    locate(second, "48.2", "-1.5", LocationPrecision.DEPARTMENT)

    html = client.get("/evenements/fresque/").content.decode()

    (point,) = json_script(html, "event-map-points")
    assert point["sessions"] == 2
    assert (point["lat"], point["lon"]) == (48.117266, -1.677793)  # the address's, not the guess
    assert point["approximate"] is False
    assert point["detail"].count(" ; ") == 1
    assert "Emplacement approximatif" not in html


def test_an_approximate_point_is_the_same_for_the_same_address(client, current):
    """Placed around the department's centre without the network (the demo), each session got
    a point of its own: one address, two markers far apart, « 2 lieux sur la carte »."""
    event = EventFactory(
        edition=current,
        published=True,
        slug="atelier",
        address="60 place de la Mairie",
        postal_code="",
        city="Paris",
        department="75",
    )
    EventSessionFactory(event=event, date=NOV.replace(day=21))
    EventSessionFactory(event=event, date=NOV.replace(day=22), address="1 rue de Rivoli")

    sessions_place_approximately(
        sessions=EventSession.objects.filter(event=event).select_related("event"), spread=0.05
    )

    first, second, elsewhere = EventSession.objects.filter(event=event).order_by("date")
    assert (first.latitude, first.longitude) == (second.latitude, second.longitude)
    assert (elsewhere.latitude, elsewhere.longitude) != (first.latitude, first.longitude)
    points = json_script(client.get("/evenements/atelier/").content.decode(), "event-map-points")
    assert sorted(point["sessions"] for point in points) == [1, 2]
    assert all(point["approximate"] for point in points)


def test_no_map_without_a_located_in_person_session(client, current):
    EventFactory(edition=current, published=True, slug="pas-encore")
    EventFactory(edition=current, published=True, slug="en-ligne", online=True)

    for slug in ["pas-encore", "en-ligne"]:
        html = client.get(f"/evenements/{slug}/").content.decode()
        assert 'id="event-map"' not in html
    assert "leaflet.js" not in html  # an online event loads no map at all


def test_event_page_query_count_does_not_grow_with_located_sessions(client, located):
    with CaptureQueriesContext(connection) as one:
        client.get("/evenements/fresque/")
    for day in range(2, 12):
        session = EventSessionFactory(
            event=located, date=NOV.replace(day=day), address=f"{day} rue de la Paix"
        )
        locate(session, f"48.1{day:02d}", "-1.6")
    with CaptureQueriesContext(connection) as eleven:
        html = client.get("/evenements/fresque/").content.decode()

    assert len(json_script(html, "event-map-points")) == 11
    assert len(one) == len(eleven)


def test_programme_map_reads_the_selection_feed(client, located):
    html = client.get("/programme/?region=53").content.decode()

    assert 'data-source="/programme.geojson?region=53"' in html
    assert "data-cluster" in html
    assert 'href="#programme-list">Passer la carte</a>' in html
    assert 'id="programme-list"' in html
    assert "Fresque du numérique" in html  # the list
    assert "event-map-points" not in html  # the points are not in the page
    # Leaflet is not loaded with the page: a button loads it (static/js/programme.js).
    assert "leaflet.js" not in html.split("data-scripts=")[0]
    assert "Afficher la carte de la sélection" in html


def test_geojson_feed_gives_located_sessions_as_points(client, located, current):
    EventFactory(edition=current, published=True, slug="pas-encore", title="Pas encore")
    approximate = EventFactory(edition=current, published=True, slug="approx", title="Approx")
    locate(approximate.sessions.get(), "48.1173", "-1.6778", LocationPrecision.MUNICIPALITY)

    features = {
        feature["properties"]["title"]: feature
        for feature in geojson(client, "/programme.geojson")["features"]
    }

    assert features["Fresque du numérique"]["geometry"] == {
        "type": "Point",
        "coordinates": [-1.677793, 48.117266],
    }
    assert features["Fresque du numérique"]["properties"]["approximate"] is False
    assert features["Approx"]["properties"]["approximate"] is True
    assert features["Approx"]["properties"]["location_precision"] == "municipality"
    assert features["Pas encore"]["geometry"] is None


def test_an_event_going_online_leaves_the_map(client, located):
    # Its session is now a webinar (each session has its mode, events.sessions).
    located.sessions.update(attendance_mode=AttendanceMode.ONLINE)
    located.save()

    feature = geojson(client, "/programme.geojson")["features"][0]

    assert feature["geometry"] is None


def test_csp_allows_the_tile_server(client, located):
    csp = client.get("/evenements/fresque/")["Content-Security-Policy"]
    img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert "https://data.geopf.fr" in img_src
    assert "https://data.geopf.fr/wmts" in client.get("/evenements/fresque/").content.decode()


def test_labs_atlas_shows_labs_with_coordinates_on_a_map(client, current):
    LabFactory(name="Ti Lab", slug="ti-lab", latitude=Decimal("48.11"), longitude=Decimal("-1.68"))
    LabFactory(name="Lab sans adresse", slug="sans-adresse")

    html = client.get("/labs/").content.decode()

    assert json_script(html, "labs-map-points") == [
        {
            "lat": 48.11,
            "lon": -1.68,
            "title": "Ti Lab",
            "url": "/labs/ti-lab/",
            "detail": "Bretagne",
        }
    ]
    assert 'href="#labs-count">Passer la carte</a>' in html
    assert "Lab sans adresse" in html  # the list keeps every lab


def test_vendored_leaflet_is_served_from_our_static_files():
    for path in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "js/maps.js",
    ]:
        assert finders.find(path), path
