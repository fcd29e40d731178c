"""« Vérifier l'emplacement »: the organiser confirms or moves the point of an in-person
session, on a map or in latitude and longitude fields that work without JavaScript."""

import re
from decimal import Decimal

import pytest

from events.enums import LocationPrecision
from events.models import EventSession
from tests.factories import EventFactory, MembershipFactory


@pytest.fixture
def event(organization, open_edition):
    event = EventFactory(
        edition=open_edition,
        organization=organization,
        address="3 avenue de la Préfecture",
        postal_code="35000",
        city="Rennes",
    )
    session = event.sessions.get()
    session.latitude, session.longitude = Decimal("48.114700"), Decimal("-1.679400")
    session.location_precision = LocationPrecision.DEPARTMENT
    session.geocoded_address = "3 avenue de la Préfecture, 35000 Rennes"
    session.save()
    return event


def url(event, session=None):
    session = session or event.sessions.get()
    return f"/espace-organisateur/evenements/{event.pk}/seances/{session.pk}/emplacement/"


def test_the_page_shows_the_point_with_a_map_and_labelled_fields(member_client, event):
    html = member_client.get(url(event)).content.decode()

    assert "<h1>Vérifier l’emplacement</h1>" in html
    assert "3 avenue de la Préfecture, 35000 Rennes" in html
    assert "Emplacement approximatif" in html
    assert re.search(r'<label for="id_latitude" class="fr-label">\s*Latitude', html)
    assert re.search(r'<label for="id_longitude" class="fr-label">\s*Longitude', html)
    assert 'value="48,114700"' in html  # French decimal comma
    assert 'data-picker-lat="id_latitude"' in html
    assert 'data-picker-lon="id_longitude"' in html
    assert 'href="#session-place-form">Passer la carte</a>' in html


def test_the_preview_links_each_session_to_its_place(member_client, event):
    html = member_client.get(f"/espace-organisateur/evenements/{event.pk}/apercu/").content
    html = html.decode()

    assert url(event) in html
    assert "emplacement approximatif, à vérifier" in html


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("48,117266", "-1,677793"), ("48.117266", "-1.677793")]
)
def test_a_confirmed_point_is_kept_as_the_organisers(member_client, event, latitude, longitude):
    response = member_client.post(url(event), {"latitude": latitude, "longitude": longitude})

    assert response.status_code == 302
    assert response["Location"] == f"/espace-organisateur/evenements/{event.pk}/apercu/"
    session = EventSession.objects.get(event=event)
    assert (session.latitude, session.longitude) == (Decimal("48.117266"), Decimal("-1.677793"))
    assert session.location_precision == LocationPrecision.MANUAL
    assert not session.is_approximate
    page = member_client.get(response["Location"]).content.decode()
    assert "L’emplacement de la séance est enregistré." in page
    assert "emplacement vérifié" in page


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {"latitude": "91", "longitude": "-181"},
            [
                "La latitude doit être comprise entre -90 et 90.",
                "La longitude doit être comprise entre -180 et 180.",
            ],
        ),
        ({"latitude": "nord", "longitude": "2.3"}, ["Saisissez la latitude en degrés décimaux"]),
        ({"latitude": "", "longitude": "2.3"}, ["Indiquez la latitude."]),
        ({"latitude": "48.1234567", "longitude": "2.3"}, ["au plus 6 chiffres après la virgule"]),
        ({"latitude": "1e400", "longitude": "2.3"}, ["La latitude"]),
    ],
)
def test_bad_coordinates_get_french_messages_and_stay_typed(member_client, event, data, messages):
    response = member_client.post(url(event), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>\s*Erreur", html)
    for message in messages:
        assert message in html
    assert f'value="{data["longitude"]}"' in html  # nothing typed is lost
    session = EventSession.objects.get(event=event)
    assert session.location_precision == LocationPrecision.DEPARTMENT  # unchanged


def test_another_organisations_session_is_a_404(client, event):
    stranger = MembershipFactory().user
    client.force_login(stranger)

    assert client.get(url(event)).status_code == 404
    assert client.post(url(event), {"latitude": "1", "longitude": "1"}).status_code == 404
    assert EventSession.objects.get(event=event).location_precision == "department"


def test_a_session_of_another_event_or_an_online_one_is_a_404(member_client, event, organization):
    other = EventFactory(edition=event.edition, organization=organization)
    online = EventFactory(edition=event.edition, organization=organization, online=True)

    assert member_client.get(url(event, other.sessions.get())).status_code == 404
    assert member_client.get(url(online)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, event):
    response = client.get(url(event))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]
