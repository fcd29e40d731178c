"""The read-only API under /api/v1/: the same events as the programme for the same parameters,
only public data, French JSON errors, pagination links, the per-IP limit in Redis, CORS for
GET without cookies, and the OpenAPI document."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus
from events.models import Event, EventSession
from events.sessions import event_refresh_dates
from tests.factories import EventFactory, LabFactory, MembershipFactory, OrganizationFactory
from tests.programme.conftest import (
    HOSTILE,
    NOV,
    SELECTIONS,
    SITE,
    bulk_programme,
    content,
    html_slugs,
)

API = "/api/v1"
LISTS = [
    f"{API}/events/",
    f"{API}/sessions/",
    f"{API}/labs/",
    f"{API}/organizations/",
    f"{API}/editions/",
    f"{API}/formats/",
    f"{API}/themes/",
]
PRIVATE = ["secret@interieur.gouv.fr", "06 12 34 56 78", "Message confidentiel", "Dérogation"]


def all_results(client, url: str) -> list[dict]:
    """Every item of a paginated list, following the `next` links."""
    results: list[dict] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        results += data["results"]
        url = data["next"] and data["next"].removeprefix(SITE)
    return results


@pytest.fixture
def private_data(programme):
    """Private fields filled on a public event, and an organisation with only a draft."""
    Event.objects.filter(pk=programme["rennes"].pk).update(
        private_contact_email="secret@interieur.gouv.fr",
        private_contact_phone="06 12 34 56 78",
        moderation_message="Message confidentiel à l’organisateur",
        derogation_justification="Dérogation pour raison de salle",
    )
    hidden = OrganizationFactory(name="Organisation sans événement public", slug="cachee")
    EventFactory(organization=hidden, edition=programme["rennes"].edition, slug="brouillon")
    member = MembershipFactory(organization=programme["rennes"].organization).user
    return {"member": member, "hidden": hidden}


# Events: the programme's twin --------------------------------------------------------------------


@pytest.mark.parametrize("query", SELECTIONS)
def test_events_are_exactly_those_of_the_html_programme(client, programme, query):
    expected = html_slugs(client, f"/programme/?{query}")

    results = all_results(client, f"{API}/events/?page_size=2&{query}")

    assert {event["slug"] for event in results} == expected
    assert not expected & {"s-draft", "s-submitted", "s-rejected", "edition-2021"}


def test_events_of_a_past_edition(client, programme):
    results = all_results(client, f"{API}/events/?edition=2021")

    assert [event["slug"] for event in results] == ["edition-2021"]
    assert results[0]["edition"] == 2021


def test_an_event_in_the_api_says_what_its_page_says(client, programme):
    event = programme["rennes"]
    EventSession.objects.create(
        event=event, date=NOV.replace(day=22), start_time=datetime.time(14), end_time=None
    )
    Event.objects.filter(pk=event.pk).update(accessible_wheelchair=True, capacity=30)

    data = client.get(f"{API}/events/atelier-rennes/").json()

    assert data["url"] == f"{SITE}/evenements/atelier-rennes/"
    assert data["title"] == "Atelier à Rennes"
    assert data["edition"] == 2022
    assert data["status"] == "published"
    assert data["organizer"]["name"] == event.organization.name
    assert data["organizer"]["url"] == f"{SITE}/organisateurs/{event.organization.slug}/"
    assert data["labs"] == [
        {"slug": "la-fabrique", "name": "La Fabrique", "url": f"{SITE}/labs/la-fabrique/"}
    ]
    assert data["location"]["region_code"] == "53"
    assert data["location"]["region"] == "Bretagne"
    assert data["accessibility"] == ["accessible_wheelchair"]
    assert data["registration"]["capacity"] == 30
    assert data["outside_edition_dates"] is False
    assert [(s["start"], s["end"]) for s in data["sessions"]] == [
        ("2022-11-09T10:00:00+01:00", "2022-11-09T12:00:00+01:00"),
        ("2022-11-22T14:00:00+01:00", None),
    ]
    assert client.get(f"{API}/events/rencontre-decembre/").json()["outside_edition_dates"]
    assert client.get(f"{API}/events/atelier-annule/").json()["status"] == "cancelled"


def test_programme_json_is_the_apis_representation_of_every_event(client, programme):
    response = client.get("/programme.json?region=53")

    assert response["Content-Type"] == "application/json"
    document = json.loads(content(response))
    assert document["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert document["count"] == len(document["events"])
    by_slug = {event["slug"]: event for event in document["events"]}
    assert by_slug["atelier-rennes"] == client.get(f"{API}/events/atelier-rennes/").json()


def test_sessions_are_listed_by_date_and_restricted_to_the_period(client, programme):
    EventSession.objects.create(event=programme["lyon"], date=NOV.replace(day=23))
    event_refresh_dates(event=programme["lyon"])

    everything = all_results(client, f"{API}/sessions/?region=84")
    period = all_results(client, f"{API}/sessions/?region=84&du=2022-11-20&au=2022-11-30")

    assert [s["date"] for s in everything] == ["2022-11-09", "2022-11-23"]
    assert {s["event"]["slug"] for s in everything} == {"forum-lyon"}
    assert [s["date"] for s in period] == ["2022-11-23"]


# Only public data --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_no_endpoint_shows_drafts_or_private_data(client, programme, private_data, url):
    body = json.dumps(all_results(client, url), ensure_ascii=False)

    for secret in [*PRIVATE, "Secret", "brouillon", "s-draft", private_data["member"].email]:
        assert secret not in body
    assert "cachee" not in body  # an organisation without public events


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/events/atelier-rennes/",
        f"{API}/labs/la-fabrique/",
        f"{API}/organizations/ville-de-lyon/",
        f"{API}/editions/2022/",
    ],
)
def test_no_detail_shows_private_data(client, programme, private_data, url):
    response = client.get(url)

    assert response.status_code == 200
    for secret in [*PRIVATE, private_data["member"].email]:
        assert secret not in response.content.decode()
    assert "private_contact" not in response.json()


def test_what_is_not_public_is_a_json_404(client, programme, private_data):
    for url in [
        f"{API}/events/s-draft/",
        f"{API}/events/brouillon/",
        f"{API}/organizations/cachee/",
        f"{API}/labs/inconnu/",
        f"{API}/editions/1999/",
        f"{API}/nulle-part/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert "ne correspond" in response.json()["detail"], url


# Pagination and errors ----------------------------------------------------------------------------


def test_lists_are_paginated_with_absolute_links(client, programme):
    first = client.get(f"{API}/events/?page_size=2&tri=date").json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == f"{SITE}{API}/events/?page=2&page_size=2&tri=date"
    last = client.get(f"{API}/events/?page=3&page_size=2&tri=date").json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    beyond = client.get(f"{API}/events/?page=4&page_size=2")
    assert beyond.status_code == 404
    assert beyond.json()["detail"] == "La page 4 n’existe pas\u00a0: cette sélection en compte 3."


@pytest.mark.parametrize(
    "query",
    [*HOSTILE, "page=abc", "page=0", "page_size=1000", "regoin=53", "edition=1999", "edition=x"],
)
@pytest.mark.parametrize("path", ["events", "sessions"])
def test_invalid_parameters_get_a_json_400_in_french(client, programme, path, query):
    response = client.get(f"{API}/{path}/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()
    assert error["detail"] == "Un ou plusieurs paramètres ne sont pas valides."
    assert error["errors"] and all("\u00a0:" in message for message in error["errors"])


def test_an_unknown_parameter_is_named_with_the_accepted_ones(client, programme):
    error = client.get(f"{API}/labs/?regoin=53").json()

    assert error["errors"] == [
        "regoin\u00a0: paramètre inconnu. Paramètres acceptés\u00a0: page, page_size, region, type."
    ]
    assert client.get(f"{API}/labs/?type=zz").status_code == 400


def test_the_api_is_read_only(client, programme):
    response = client.post(f"{API}/events/", {"title": "Intrus"})

    assert response.status_code == 405
    assert "lecture seule" in response.json()["detail"]
    assert not Event.objects.filter(title="Intrus").exists()


def test_an_events_page_costs_the_same_queries_for_1_and_for_100_events(client, edition):
    def queries(count: int) -> int:
        Event.objects.all().delete()
        bulk_programme(edition, count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/events/?page_size=100")
        assert response.json()["count"] == count
        return len(captured)

    assert queries(1) == queries(100)


# Rate limit, CORS, cookies -------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings, redis_url):
    """The shared cache of production: Redis, with a key prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def test_the_api_is_rate_limited_per_ip_in_the_shared_cache(
    client, programme, redis_cache, settings
):
    settings.API_RATE_LIMIT = 3

    statuses = [client.get(f"{API}/formats/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = client.get(f"{API}/events/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["detail"].startswith("Trop de requêtes depuis votre adresse\u00a0:")
    assert "3 requêtes par minute" in limited.json()["detail"]
    other = client.get(f"{API}/formats/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_behind_a_proxy_each_client_is_counted_at_its_own_address(
    client, programme, redis_cache, settings
):
    settings.API_RATE_LIMIT = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def get(forwarded_for):
        headers = {"x-forwarded-for": forwarded_for}
        return client.get(f"{API}/formats/", headers=headers, **proxy).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    # a client cannot escape its limit by sending its own X-Forwarded-For to the proxy
    assert get("203.0.113.9, 198.51.100.1") == 429
    assert get("198.51.100.2") == 200


def test_cors_is_open_for_reading_without_credentials(client, programme):
    origin = {"origin": "https://www.prefecture.gouv.fr"}
    for url in [f"{API}/events/", "/programme.ics", "/programme.json", "/chiffres.json"]:
        response = client.get(url, headers=origin)
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url

    preflight = client.options(
        f"{API}/events/", headers={**origin, "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/programme/", headers=origin)


@pytest.mark.parametrize("url", [*LISTS, f"{API}/events/atelier-rennes/", f"{API}/openapi.json"])
def test_the_api_sets_no_cookie(client, programme, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies


def test_the_api_ignores_a_signed_in_session(client, programme, private_data):
    """No session authentication: a signed-in organiser sees exactly what anyone sees."""
    anonymous = client.get(f"{API}/events/").json()
    client.force_login(private_data["member"])

    assert client.get(f"{API}/events/").json() == anonymous


# The documents --------------------------------------------------------------------------------


def test_the_openapi_document_describes_every_endpoint_and_filter(client, db):
    document = client.get(f"{API}/openapi.json").json()

    assert document["openapi"].startswith("3.")
    assert document["info"]["license"]["name"].startswith("Licence Ouverte")
    assert set(document["paths"]) == {
        f"{API}/events/",
        f"{API}/events/{{slug}}/",
        f"{API}/sessions/",
        f"{API}/labs/",
        f"{API}/labs/{{slug}}/",
        f"{API}/organizations/",
        f"{API}/organizations/{{slug}}/",
        f"{API}/editions/",
        f"{API}/editions/{{year}}/",
        f"{API}/formats/",
        f"{API}/themes/",
    }
    events = document["paths"][f"{API}/events/"]["get"]
    names = {parameter["name"] for parameter in events["parameters"]}
    assert {"edition", "region", "format", "theme", "mode", "q", "du", "page", "page_size"} <= names
    assert set(events["responses"]) == {"200", "400", "404", "429"}


def test_the_api_page_explains_it_in_french(client, programme):
    response = client.get("/api/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>API et données ouvertes</h1>" in page
    assert f'href="{SITE}{API}/openapi.json"' in page
    assert "Licence Ouverte 2.0" in page
    assert "<code>inscription_ouverte</code>" in page  # every filter is listed
    assert "120 requêtes par minute" in page


def test_the_programme_links_to_its_json_and_the_api(client, programme):
    page = client.get("/programme/?region=53").content.decode()

    assert f'href="{SITE}/programme.json?region=53"' in page
    assert 'href="/api/"' in page


def test_an_organization_lists_public_co_organizers_too(client, programme):
    partner = OrganizationFactory(name="Partenaire", slug="partenaire")
    programme["lyon"].co_organizers.add(partner)
    LabFactory(name="Lab sans événement", slug="lab-seul")

    slugs = {o["slug"] for o in all_results(client, f"{API}/organizations/")}
    labs = {lab["slug"] for lab in all_results(client, f"{API}/labs/")}

    assert "partenaire" in slugs
    assert "lab-seul" in labs  # the atlas lists every lab, as /labs/ does
    assert client.get(f"{API}/organizations/partenaire/").status_code == 200


def test_a_cancelled_event_stays_in_the_api_with_its_status(client, programme):
    Event.objects.filter(pk=programme["lyon"].pk).update(status=EventStatus.CANCELLED)

    results = all_results(client, f"{API}/events/?region=84")

    assert [(e["slug"], e["status"]) for e in results] == [("forum-lyon", "cancelled")]
