"""What visitors see of on-platform registration (programme/seats.py): the seats of each
session on the event page, the event's on the cards, the « Places disponibles » filter, the
schema.org offer, the API's, JSON's and CSV's counts; never a registrant's name or address."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import RegistrationMode
from events.models import EventSession
from registrations import services
from tests.factories import EditionFactory, EventFactory

from .conftest import content

NAME, EMAIL = "Camille Inscrite-Secrète", "camille.secrete@example.fr"


@pytest.fixture
def edition(db):
    return EditionFactory(year=datetime.date.today().year + 1)


def platform_event(edition, title="Atelier « Faire simple »", capacity=3, **session):
    event = EventFactory(
        edition=edition,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title=title,
    )
    EventSession.objects.filter(event=event).update(capacity=capacity, **session)
    return event


def confirm(event, count: int, start: int = 0) -> None:
    """`count` people register for every session of `event` and confirm their address."""
    sessions = list(event.sessions.all())
    for index in range(start, start + count):
        registrant = services.registrant_register(
            event=event,
            sessions=sessions,
            name=NAME if index == 0 else f"Personne {index}",
            email=EMAIL if index == 0 else f"personne.{index}@example.fr",
            kind="agent",
        )
        services.registrant_confirm(registrant=registrant)


def text(response) -> str:
    return re.sub(r"\s+", " ", content(response).decode().replace("\u00a0", " "))


def badges(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", b).strip()
        for b in re.findall(r'class="fr-badge[^"]*">([^<]*)<', html.replace("\u00a0", " "))
    ]


def assert_no_personal_data(body: str) -> None:
    assert NAME not in body and EMAIL not in body
    assert "Personne 1" not in body and "personne.1@" not in body


# The event page --------------------------------------------------------------------------------


def test_the_event_page_gives_each_sessions_seats_and_the_button(client, edition):
    event = platform_event(edition, capacity=3)
    EventSession.objects.create(
        event=event,
        date=event.starts_on + datetime.timedelta(days=1),
        start_time=datetime.time(14),
        capacity=None,
    )
    confirm(event, 2)

    response = client.get(event.get_absolute_url())
    html = text(response)

    assert badges(html)[-2:] == ["1 place restante", "Places disponibles"]
    assert f'href="/evenements/{event.slug}/inscription/"' in html
    assert "S’inscrire" in html
    assert "sans créer de compte" in html
    assert_no_personal_data(html)


def test_a_full_session_says_its_waiting_list_and_still_takes_registrations(client, edition):
    event = platform_event(edition, capacity=2, waiting_list=True)
    confirm(event, 5)

    html = text(client.get(event.get_absolute_url()))

    assert "Complet — liste d’attente ouverte (3 personnes)" in badges(html)
    assert "vous pouvez vous inscrire sur la liste d’attente" in html
    assert f'href="/evenements/{event.slug}/inscription/"' in html
    assert_no_personal_data(html)


def test_a_full_session_without_waiting_list_has_no_button(client, edition):
    event = platform_event(edition, capacity=1, waiting_list=False)
    confirm(event, 1)

    html = text(client.get(event.get_absolute_url()))

    assert "Complet" in badges(html)
    assert "<strong>Complet.</strong> Toutes les places sont prises." in html
    assert "/inscription/" not in html


def test_a_closed_session_says_so_and_has_no_button(client, edition):
    event = platform_event(
        edition, registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    html = text(client.get(event.get_absolute_url()))

    assert "Inscriptions closes" in badges(html)
    assert "/inscription/" not in html


def test_the_other_registration_modes_keep_their_display(client, edition):
    event = EventFactory(
        edition=edition,
        published=True,
        registration_mode=RegistrationMode.LINK,
        registration_url="https://inscription.example.fr/atelier",
        capacity=40,
    )

    html = text(client.get(event.get_absolute_url()))

    assert 'href="https://inscription.example.fr/atelier"' in html
    assert "40 places." in html
    assert "/inscription/" not in html
    assert not any("place" in badge for badge in badges(html))


# Cards and the programme --------------------------------------------------------------------


def card_of(html: str, title: str) -> str:
    start = html.index(title)
    end = html.find('<div class="fr-card ', start)
    return html[html.rindex('<div class="fr-card', 0, start) : end if end != -1 else None]


def test_a_card_says_the_seats_left_of_its_event(client, edition):
    open_event = platform_event(edition, title="Atelier ouvert", capacity=10)
    roomy = platform_event(edition, title="Grand amphithéâtre", capacity=200)
    waiting = platform_event(edition, title="Atelier plein", capacity=1, waiting_list=True)
    closed = platform_event(
        edition,
        title="Atelier clos",
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    EventFactory(edition=edition, published=True, title="Atelier sans inscription")
    confirm(open_event, 2)
    confirm(roomy, 2)
    confirm(waiting, 2)

    html = text(client.get("/programme/"))

    assert "8 places restantes" in badges(card_of(html, "Atelier ouvert"))
    # Many seats left: the card does not follow each registration (the event page does).
    assert "Places disponibles" in badges(card_of(html, "Grand amphithéâtre"))
    assert "198" not in card_of(html, "Grand amphithéâtre")
    assert "Complet — liste d’attente ouverte" in badges(card_of(html, "Atelier plein"))
    assert "Inscriptions closes" in badges(card_of(html, "Atelier clos"))
    assert not {"Places disponibles", "Inscriptions closes"} & set(
        badges(card_of(html, "Atelier sans inscription"))
    )
    assert closed.title in html
    assert_no_personal_data(html)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/programme/", "/programme/?places_disponibles=1"])
def test_cards_of_platform_events_cost_no_query_each(client, edition, url):
    confirm(platform_event(edition, title="Atelier 0"), 1)
    one = queries(client, url)

    for n in range(1, 12):
        confirm(platform_event(edition, title=f"Atelier {n}"), 1, start=n * 10)
    twelve = queries(client, url)

    assert one == twelve


def test_the_places_disponibles_filter_keeps_the_events_with_a_seat_left(client, edition):
    platform_event(edition, title="Atelier ouvert", capacity=3)
    platform_event(edition, title="Atelier sans limite", capacity=None)
    full = platform_event(edition, title="Atelier plein", capacity=1, waiting_list=True)
    confirm(full, 2)
    platform_event(
        edition,
        title="Atelier clos",
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    started = platform_event(edition, title="Atelier commencé")
    EventSession.objects.filter(event=started).update(
        date=timezone.localdate(), start_time=datetime.time(0, 0)
    )
    EventFactory(edition=edition, published=True, title="Atelier par lien")

    response = client.get("/programme/?places_disponibles=1")

    listed = {e.title for e in response.context["page_obj"].object_list}
    assert listed == {"Atelier ouvert", "Atelier sans limite"}
    assert [tag.label for tag in response.context["active_filters"]] == ["Places disponibles"]
    html = text(response)
    assert re.search(r"\b2 événements\b", html)
    assert 'name="places_disponibles"' in html
    assert '<label class="fr-label" for="id_places_disponibles">Places disponibles' in html


def test_the_filter_follows_a_session_that_fills_up(client, edition):
    event = platform_event(edition, title="Atelier presque plein", capacity=2)
    assert client.get("/programme/?places_disponibles=1").context["page_obj"].paginator.count == 1

    confirm(event, 2)

    response = client.get("/programme/?places_disponibles=1")
    assert response.context["page_obj"].paginator.count == 0
    assert "Atelier presque plein" not in text(response)


def test_garbage_in_places_disponibles_never_fails(client, edition):
    platform_event(edition)

    for query in ("places_disponibles=peut-etre", "places_disponibles=", "places_disponibles=%00"):
        response = client.get(f"/programme/?{query}")
        assert response.status_code == 200, query


# schema.org --------------------------------------------------------------------------------


def json_ld(client, event) -> dict:
    html = content(client.get(event.get_absolute_url())).decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


def test_schema_org_offers_say_the_seats(client, edition):
    event = platform_event(edition, capacity=3)
    confirm(event, 1)

    data = json_ld(client, event)

    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["offers"]["url"].endswith(f"/evenements/{event.slug}/inscription/")
    assert data["maximumAttendeeCapacity"] == 3
    assert data["remainingAttendeeCapacity"] == 2


@pytest.mark.parametrize(
    ("session", "confirmed", "availability", "form"),
    [
        # Full, but the waiting list still takes registrations through the form.
        ({"capacity": 1, "waiting_list": True}, 2, "SoldOut", True),
        ({"capacity": 1, "waiting_list": False}, 1, "SoldOut", False),
        (
            {"registration_closes_at": timezone.now() - datetime.timedelta(days=1)},
            0,
            "OutOfStock",
            False,
        ),
    ],
)
def test_schema_org_offers_say_sold_out_and_closed(
    client, edition, session, confirmed, availability, form
):
    event = platform_event(edition, **session)
    confirm(event, confirmed)

    data = json_ld(client, event)

    assert data["offers"]["availability"] == f"https://schema.org/{availability}"
    assert data["remainingAttendeeCapacity"] == 0
    page = event.get_absolute_url()
    assert data["offers"]["url"].endswith(f"{page}inscription/" if form else page)


# The API, the JSON and CSV exports -----------------------------------------------------------


def test_the_api_gives_each_sessions_seats_and_no_name(client, edition):
    event = platform_event(edition, capacity=2, waiting_list=True)
    confirm(event, 3)
    EventFactory(edition=edition, published=True, title="Atelier sans inscription")

    detail = client.get(f"/api/v1/events/{event.slug}/")
    sessions = client.get("/api/v1/sessions/")

    seats = detail.json()["sessions"][0]["seats"]
    assert seats == {
        "state": "waiting_list",
        "label": "Complet — liste d’attente ouverte (1\u00a0personne)",
        "capacity": 2,
        "seats_left": 0,
        "waiting_list": True,
        "waiting": 1,
        "registration_open": True,
        "registration_closes_at": seats["registration_closes_at"],
    }
    assert datetime.datetime.fromisoformat(seats["registration_closes_at"]).tzinfo
    assert detail.json()["registration"]["mode"] == "platform"
    assert detail.json()["registration"]["url"].endswith(f"/evenements/{event.slug}/inscription/")
    by_event = {row["event"]["slug"]: row["seats"] for row in sessions.json()["results"]}
    assert by_event[event.slug]["waiting"] == 1
    assert [s for slug, s in by_event.items() if slug != event.slug] == [None]
    for response in (detail, sessions):
        assert_no_personal_data(content(response).decode())


def test_the_json_and_csv_exports_give_the_seats_left(client, edition):
    event = platform_event(edition, capacity=5)
    confirm(event, 2)

    exported = json.loads(content(client.get("/programme.json")))
    rows = list(csv.DictReader(io.StringIO(content(client.get("/programme.csv")).decode()[1:])))

    assert exported["events"][0]["sessions"][0]["seats"]["seats_left"] == 3
    assert rows[0]["session_registration_state"] == "open"
    assert (rows[0]["session_capacity"], rows[0]["session_seats_left"]) == ("5", "3")
    assert (rows[0]["session_waiting_list"], rows[0]["session_waiting"]) == ("true", "0")
    for url in ("/programme.json", "/programme.csv", "/programme.ics", "/programme.geojson"):
        assert_no_personal_data(content(client.get(url)).decode())


def test_a_registration_changes_the_exports_etag(client, edition):
    event = platform_event(edition, capacity=5)
    before = client.get("/programme.json")["ETag"]

    confirm(event, 1)

    response = client.get("/programme.json", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert json.loads(content(response))["events"][0]["sessions"][0]["seats"]["seats_left"] == 4
