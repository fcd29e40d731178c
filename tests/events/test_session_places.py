"""Attendance per session: a webinar on 16 November, a workshop in Rennes on 21 November.

The event's mode, place, department and region are derived from its sessions; each session's
place or link shows on the event page, in calendars, structured data and exports; a link stays
private until the organiser shows it."""

import csv
import datetime
import io
import json
import re

import pytest
from icalendar import Calendar

from events.editing import event_update
from events.eligibility import eligibility_errors
from events.enums import AttendanceMode
from events.search import event_refresh_search
from events.sessions import derived_mode
from tests.factories import EventFactory, EventSessionFactory, MembershipFactory

WEBINAR = {
    "date": datetime.date(2022, 11, 16),
    "start_time": datetime.time(10),
    "end_time": datetime.time(11),
    "attendance_mode": AttendanceMode.ONLINE,
    "online_url": "https://webinaire.example.gouv.fr/salle-16",
    "online_url_public": False,
    "online_note": "",
}
WORKSHOP = {
    "date": datetime.date(2022, 11, 21),
    "start_time": datetime.time(9),
    "end_time": datetime.time(12),
    "attendance_mode": AttendanceMode.IN_PERSON,
    "venue_name": "Maison de l'innovation",
    "address": "12 rue de la Paix",
    "postal_code": "35000",
    "city": "Rennes",
    "department": "35",
}


@pytest.fixture
def member(db):
    return MembershipFactory().user


@pytest.fixture
def mixed(edition, member):
    """A published event: a webinar (link kept private), then a workshop in Rennes."""
    event = EventFactory(
        edition=edition,
        organization=member.memberships.get().organization,
        published=True,
        slug="parcours-mixte",
        title="Parcours mixte",
        attendance_mode=AttendanceMode.ONLINE,
        city="",
        department="",
        region="",
        with_session=False,
    )
    return event_update(event=event, user=member, fields={}, sessions=[WEBINAR, WORKSHOP])


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        (["in_person", "in_person"], "in_person"),
        (["online"], "online"),
        (["online", "in_person"], "hybrid"),
        (["in_person", "hybrid"], "hybrid"),
        (["hybrid"], "hybrid"),
    ],
)
def test_event_mode_is_derived_from_its_sessions(modes, expected):
    assert derived_mode(modes) == expected


def test_a_mixed_event_is_hybrid_in_rennes_without_its_private_link(mixed):
    assert mixed.attendance_mode == AttendanceMode.HYBRID
    assert (mixed.city, mixed.department, mixed.region) == ("Rennes", "35", "53")
    assert mixed.online_url == ""  # private: never on the event, so no feed can leak it
    webinar, workshop = mixed.sessions.all()
    assert webinar.postal_address == ""
    assert workshop.postal_address == "12 rue de la Paix, 35000 Rennes"
    assert mixed.postal_address == "12 rue de la Paix, 35000 Rennes"


def test_an_online_session_keeps_no_place_and_an_in_person_one_no_link(edition, member):
    event = EventFactory(edition=edition, organization=member.memberships.get().organization)
    saved = event_update(
        event=event,
        user=member,
        fields={},
        sessions=[
            {**WEBINAR, "city": "Brest", "department": "29"},
            {**WORKSHOP, "online_url": "https://x.example.gouv.fr", "online_url_public": True},
        ],
    )

    webinar, workshop = saved.sessions.all()
    assert (webinar.city, webinar.department) == ("", "")
    assert (workshop.online_url, workshop.online_url_public) == ("", False)


def test_eligibility_asks_each_session_for_its_place_or_link(mixed, member):
    webinar, workshop = mixed.sessions.all()
    webinar.online_url = ""
    webinar.save()
    workshop.address = ""
    workshop.save()

    errors = eligibility_errors(mixed, user=member)

    assert (
        "La séance du 16 novembre 2022 se tient en ligne\u00a0: indiquez le lien de connexion "
        "ou de diffusion, ou précisez comment les personnes inscrites le recevront."
    ) in errors
    assert (
        "La séance du 21 novembre 2022 se tient en présentiel\u00a0: indiquez l’adresse et la "
        "ville du lieu."
    ) in errors

    webinar.online_note = "Le lien sera envoyé aux inscrits la veille."
    webinar.save()
    assert not any("16 novembre" in error for error in eligibility_errors(mixed, user=member))


def _sessions_list(html: str) -> str:
    return html.split('id="when-title"', 1)[1].split("</section>", 1)[0]


def test_event_page_shows_each_sessions_place_and_announces_the_private_link(client, mixed):
    html = client.get("/evenements/parcours-mixte/").content.decode()

    sessions = _sessions_list(html)
    webinar, workshop = re.findall(r"<li>(.*?)</li>", sessions, flags=re.S)
    assert "mercredi 16 novembre" in webinar and "En ligne" in webinar
    assert "le lien sera communiqué aux personnes inscrites" in webinar
    assert "lundi 21 novembre" in workshop
    assert "En présentiel\u00a0: Maison de l&#x27;innovation, 12 rue de la Paix, 35000 Rennes" in (
        workshop.replace("&nbsp;", "\u00a0")
    )
    assert "webinaire.example.gouv.fr" not in html
    assert "Le lien de connexion sera communiqué aux personnes inscrites." in html


def test_showing_the_link_publishes_it_on_the_next_request(client, mixed, member):
    assert "salle-16" not in client.get("/evenements/parcours-mixte/").content.decode()
    webinar, workshop = mixed.sessions.all()
    sessions = [
        {**WEBINAR, "id": webinar.pk, "online_url_public": True},
        {**WORKSHOP, "id": workshop.pk},
    ]

    saved = event_update(event=mixed, user=member, fields={}, sessions=sessions)

    html = client.get("/evenements/parcours-mixte/").content.decode()
    assert 'href="https://webinaire.example.gouv.fr/salle-16"' in _sessions_list(html)
    assert "le lien sera communiqué" not in html
    assert saved.online_url == "https://webinaire.example.gouv.fr/salle-16"
    # The DITP sees the change in the list of changes since validation.
    (change,) = saved.changed_fields
    assert change["field"] == "sessions"
    assert "salle-16 (lien public)" in change["after"]


def test_json_ld_gives_each_session_its_mode_and_location(client, mixed):
    html = client.get("/evenements/parcours-mixte/").content.decode()
    raw = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(raw)

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    webinar, workshop = data["subEvent"]
    assert webinar["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert webinar["location"]["@type"] == "VirtualLocation"
    assert "salle-16" not in webinar["location"]["url"]  # private: the event page instead
    assert workshop["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert workshop["location"]["address"]["addressLocality"] == "Rennes"
    assert workshop["startDate"] == "2022-11-21T09:00:00+01:00"


def test_calendar_locates_each_session(client, mixed):
    response = client.get("/evenements/parcours-mixte/calendrier.ics")
    webinar, workshop = Calendar.from_ical(response.content).walk("VEVENT")

    assert str(webinar["LOCATION"]) == "En ligne"
    assert str(workshop["LOCATION"]) == ("Maison de l'innovation, 12 rue de la Paix, 35000 Rennes")


def test_csv_and_geojson_carry_each_sessions_mode_and_place(client, mixed):
    body = b"".join(client.get("/programme.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [
        (r["attendance_mode"], r["session_attendance_mode"], r["session_city"]) for r in rows
    ] == [
        ("hybrid", "online", ""),
        ("hybrid", "in_person", "Rennes"),
    ]
    assert {r["city"] for r in rows} == {"Rennes"}  # the event's columns still there
    assert all(r["session_online_url"] == "" for r in rows)  # the link is private

    response = client.get("/programme.geojson")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    webinar, workshop = json.loads(raw)["features"]
    assert (webinar["properties"]["session_attendance_mode"], webinar["properties"]["city"]) == (
        "online",
        "",
    )
    assert workshop["properties"]["postal_code"] == "35000"


def test_api_sessions_carry_their_mode_place_and_public_link(client, mixed):
    data = client.get("/api/v1/events/", HTTP_ACCEPT="application/json").json()

    (event,) = data["results"]
    assert event["attendance_mode"] == "hybrid"
    assert event["location"]["city"] == "Rennes"
    webinar, workshop = event["sessions"]
    assert (webinar["attendance_mode"], webinar["online_url"]) == ("online", "")
    assert (workshop["location"]["city"], workshop["location"]["department_code"]) == (
        "Rennes",
        "35",
    )


def test_programme_filters_by_mode_and_department_from_the_sessions(client, mixed, edition):
    EventFactory(edition=edition, published=True, slug="a-brest", city="Brest", department="29")

    def slugs(query):
        html = client.get(f"/programme/?{query}").content.decode()
        return set(re.findall(r'href="/evenements/([\w-]+)/"', html))

    assert "parcours-mixte" in slugs("mode=hybrid")
    assert "parcours-mixte" not in slugs("mode=online")
    assert "parcours-mixte" in slugs("departement=35")
    assert "parcours-mixte" not in slugs("departement=29")
    assert "a-brest" in slugs("departement=29")


NANTES = {
    **WORKSHOP,
    "date": datetime.date(2022, 11, 24),
    "venue_name": "Halle 6",
    "address": "42 rue la Tour d'Auvergne",
    "postal_code": "44200",
    "city": "Nantes",
    "department": "44",
}


@pytest.fixture
def tour(edition, member):
    """A published event in Rennes (Bretagne), then in Nantes (Pays de la Loire)."""
    event = EventFactory(
        edition=edition,
        organization=member.memberships.get().organization,
        published=True,
        slug="tournee-ouest",
        title="Tournée de l'Ouest",
        with_session=False,
    )
    return event_update(event=event, user=member, fields={}, sessions=[WORKSHOP, NANTES])


def test_an_event_on_tour_is_found_in_every_department_and_region_it_visits(client, tour):
    assert (tour.department, tour.region) == ("35", "53")  # its own place: the first session

    def listed(query):
        response = client.get(f"/programme/?{query}")
        shown = "/evenements/tournee-ouest/" in response.content.decode()
        return shown, response.context["listing"].page.paginator.count

    assert listed("departement=35") == (True, 1)
    assert listed("departement=44") == (True, 1)
    assert listed("region=53") == (True, 1)
    assert listed("region=52") == (True, 1)
    assert listed("region=52&departement=44") == (True, 1)
    assert listed("region=52&departement=49") == (False, 0)
    assert listed("region=11") == (False, 0)
    assert listed("departement=29") == (False, 0)
    # The feeds and the API share the filters.
    csv_export = client.get("/programme.csv?departement=44")
    assert "Tournée de l" in b"".join(csv_export.streaming_content).decode()
    assert client.get("/api/v1/events/?region=52").json()["count"] == 1


def test_the_region_menu_counts_an_event_on_tour_once_in_each_region(client, tour, edition):
    EventFactory(edition=edition, published=True, city="Nantes", department="44", region="52")

    html = client.get("/programme/").content.decode()

    assert ">Bretagne (1)</option>" in html
    assert ">Pays de la Loire (2)</option>" in html
    assert ">Île-de-France (0)</option>" in html
    # Narrowed to Pays de la Loire, both of its events are listed and counted.
    response = client.get("/programme/?region=52")
    assert response.context["listing"].page.paginator.count == 2
    assert ">Bretagne (1)</option>" in response.content.decode()


def test_a_search_finds_an_event_by_the_city_of_any_of_its_sessions(client, edition):
    event = EventFactory(edition=edition, published=True, slug="tournee", title="Tournée FALC")
    EventSessionFactory(
        event=event,
        date=event.starts_on + datetime.timedelta(days=3),
        venue_name="Quartz",
        city="Brest",
        department="29",
    )
    event_refresh_search(event=event)

    for query in ("Rennes", "Brest", "quartz"):
        page = client.get("/programme/", {"q": query}).content.decode()
        assert "Tournée FALC" in page, query
