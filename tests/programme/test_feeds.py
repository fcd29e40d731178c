"""The programme's feeds: /programme.ics, .csv, .geojson, /flux.atom (and a past edition's).

Each feed is a twin of a programme URL: the same events as the HTML listing, for the same
parameters. The files are read back with the libraries a subscriber would use: icalendar,
feedparser, frictionless, json.
"""

import csv
import datetime
import io
import json
import re

import feedparser
import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from frictionless import Resource, Schema, validate

from events.editing import event_update
from events.enums import EventStatus
from events.models import Event, EventSession
from tests.factories import (
    MembershipFactory,
    ThemeFactory,
)
from tests.programme.conftest import (
    HOSTILE,
    NOV,
    SELECTIONS,
    SITE,
    bulk_programme,
    content,
    html_slugs,
    slug_of,
)

FEEDS = [
    "/programme.ics",
    "/programme.csv",
    "/programme.json",
    "/programme.geojson",
    "/flux.atom",
]


def ics_slugs(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {slug_of(str(vevent["URL"])) for vevent in calendar.walk("VEVENT")}


def csv_rows(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def feed_slugs(path: str, body: bytes) -> set[str]:
    if path.endswith(".ics"):
        return ics_slugs(body)
    if path.endswith(".csv"):
        return {slug_of(row["url"]) for row in csv_rows(body)}
    if path.endswith(".json"):
        return {slug_of(event["url"]) for event in json.loads(body)["events"]}
    if path.endswith(".geojson"):
        return {slug_of(f["properties"]["url"]) for f in json.loads(body)["features"]}
    return {slug_of(entry.link) for entry in feedparser.parse(body).entries}


@pytest.mark.parametrize("query", SELECTIONS)
@pytest.mark.parametrize("path", FEEDS)
def test_each_feed_lists_exactly_the_events_of_the_html_programme(client, programme, path, query):
    expected = html_slugs(client, f"/programme/?{query}")

    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    assert feed_slugs(path, content(response)) == expected
    assert not expected & {"s-draft", "s-submitted", "s-rejected", "edition-2021"}


@pytest.mark.parametrize("path", FEEDS)
def test_a_past_editions_feeds_list_its_programme(client, programme, path):
    past_path = "/editions/2021/" + path.lstrip("/")

    response = client.get(past_path)

    assert response.status_code == 200
    assert (
        feed_slugs(path, content(response))
        == html_slugs(client, "/editions/2021/")
        == {"edition-2021"}
    )
    assert client.get("/editions/1999/" + path.lstrip("/")).status_code == 404


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("path", FEEDS)
def test_invalid_criteria_get_a_french_400_not_another_selection(client, programme, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Cette sélection ne peut pas être exportée")
    assert "\u00a0:" in text  # the criterion's label, then its French message


def test_the_page_number_of_a_programme_url_does_not_restrict_its_feed(client, programme):
    response = client.get("/programme.ics?page=2")

    assert response.status_code == 200
    assert len(ics_slugs(content(response))) == 5


# iCalendar ---------------------------------------------------------------------------------------


def test_programme_ics_is_a_subscribable_calendar(client, programme):
    response = client.get("/programme.ics?region=53")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = content(response)
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Mois de l’innovation publique 2022 — Bretagne"
    assert str(calendar["REFRESH-INTERVAL"].to_ical().decode()) == "PT6H"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    vevents = calendar.walk("VEVENT")
    assert vevents
    for vevent in vevents:
        assert str(vevent["UID"]).endswith("@127.0.0.1")
        assert vevent["DTSTAMP"].dt.tzinfo is not None
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert str(vevent["URL"]).startswith(f"{SITE}/evenements/")
    cancelled = [v for v in vevents if str(v["URL"]).endswith("/atelier-annule/")]
    assert [str(v["STATUS"]) for v in cancelled] == ["CANCELLED"]
    online = icalendar.Calendar.from_ical(content(client.get("/programme.ics?mode=online")))
    assert [str(v["LOCATION"]) for v in online.walk("VEVENT")] == [
        "En ligne\u00a0: https://webinaire.example.gouv.fr/salle"
    ]


def test_one_vevent_per_session_with_stable_uids(client, programme):
    event = programme["rennes"]
    EventSession.objects.create(event=event, date=NOV.replace(day=22), start_time=datetime.time(14))

    first = icalendar.Calendar.from_ical(content(client.get("/programme.ics?lab=la-fabrique")))
    second = icalendar.Calendar.from_ical(content(client.get("/programme.ics?lab=la-fabrique")))

    uids = [str(v["UID"]) for v in first.walk("VEVENT")]
    assert uids == [str(v["UID"]) for v in second.walk("VEVENT")]
    assert uids == [f"{event.pk}-{s.pk}@127.0.0.1" for s in event.sessions.order_by("date")]


def test_an_edit_of_a_published_event_raises_its_sequence(client, programme):
    event = programme["rennes"]
    member = MembershipFactory(organization=event.organization).user

    def sequence() -> int:
        calendar = icalendar.Calendar.from_ical(content(client.get("/programme.ics?avec_lab=1")))
        return int(calendar.walk("VEVENT")[0]["SEQUENCE"])

    before = sequence()
    event_update(event=event, user=member, fields={"title": "Atelier à Rennes (salle B)"})

    assert sequence() == before + 1


# Atom -------------------------------------------------------------------------------------------


def test_atom_lists_the_latest_publications_first_and_is_valid(client, programme):
    response = client.get("/flux.atom")

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(content(response))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Mois de l’innovation publique 2022"
    assert feed.feed.language == "fr"
    titles = [entry.title for entry in feed.entries]
    assert titles[-2:] == ["Webinaire données", "Forum à Lyon"]  # published 2, then 3 days ago
    assert "Annulé\u00a0: Atelier annulé" in titles
    lyon = feed.entries[-1]
    assert lyon.link == f"{SITE}/evenements/forum-lyon/"
    assert lyon.author == "Ville de Lyon"
    assert lyon.published_parsed and lyon.updated_parsed


# CSV --------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_session_and_keeps_accents(client, programme):
    event = programme["lyon"]
    EventSession.objects.create(
        event=event, date=NOV.replace(day=23), start_time=datetime.time(9), end_time=None
    )

    response = client.get("/programme.csv?region=84")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="programme-2022.csv"'
    assert "describedby" in response["Link"]
    rows = csv_rows(content(response))
    assert [(row["title"], row["date"], row["start"], row["end"]) for row in rows] == [
        ("Forum à Lyon", "2022-11-09", "2022-11-09T10:00:00+01:00", "2022-11-09T12:00:00+01:00"),
        ("Forum à Lyon", "2022-11-23", "2022-11-23T09:00:00+01:00", ""),
    ]
    row = rows[0]
    assert row["event_id"] == str(event.pk)
    assert row["organizer"] == "Ville de Lyon"
    assert row["organizer_kind"] == "local_authority"
    assert row["region"] == "Auvergne-Rhône-Alpes"
    assert row["department"] == "Rhône"
    assert row["city"] == "Lyon"
    assert row["status"] == "published"


def test_csv_private_data_never_leaves(client, programme):
    Event.objects.filter(pk=programme["rennes"].pk).update(
        private_contact_email="secret@interieur.gouv.fr",
        moderation_message="Message confidentiel à l’organisateur",
    )

    body = content(client.get("/programme.csv")).decode("utf-8-sig")

    assert "secret@interieur.gouv.fr" not in body
    assert "confidentiel" not in body
    assert "Secret" not in body


def test_csv_is_valid_against_its_published_table_schema(client, programme, tmp_path):
    programme["rennes"].themes.add(ThemeFactory(name="Données", slug="donnees"))
    schema_response = client.get("/donnees/programme-schema.json")
    assert schema_response.status_code == 200
    descriptor = schema_response.json()
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert all(field["title"] for field in descriptor["fields"])
    csv_file = tmp_path / "programme.csv"
    csv_file.write_bytes(content(client.get("/programme.csv")))

    report = validate(
        Resource(
            path=csv_file.name,
            basepath=str(tmp_path),
            schema=Schema.from_descriptor(descriptor),
            encoding="utf-8-sig",
        )
    )

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 5  # one session each


def test_the_schema_rejects_a_csv_that_drifts_from_it(client, programme, tmp_path):
    """The validation above can fail: a wrong value in a typed column is reported."""
    body = content(client.get("/programme.csv")).decode("utf-8-sig")
    csv_file = tmp_path / "drift.csv"
    csv_file.write_text(body.replace(",published,", ",brouillon,", 1), encoding="utf-8-sig")
    descriptor = client.get("/donnees/programme-schema.json").json()

    report = validate(
        Resource(
            path=csv_file.name,
            basepath=str(tmp_path),
            schema=Schema.from_descriptor(descriptor),
            encoding="utf-8-sig",
        )
    )

    assert not report.valid
    assert report.flatten(["fieldName"]) == [["status"]]


# GeoJSON ----------------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_sessions(client, programme):
    response = client.get("/programme.geojson?region=84")

    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(content(response))
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] is None  # no coordinates are known yet
    assert feature["properties"]["city"] == "Lyon"
    assert feature["properties"]["start"] == "2022-11-09T10:00:00+01:00"


# Conditional requests and cost -------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_answer_304_until_the_selection_changes(client, programme, path):
    first = client.get(path)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    assert client.get(path, headers={"if-modified-since": last_modified}).status_code == 304
    assert client.get(f"{path}?region=53", headers={"if-none-match": etag}).status_code == 200

    event = programme["lyon"]
    event.status = EventStatus.CANCELLED
    event.save()

    changed = client.get(path, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_renaming_an_organisation_changes_the_feeds_etag(client, programme):
    first = client.get("/programme.csv")
    organization = programme["lyon"].organization
    organization.name = "Métropole de Lyon, nouveau nom"
    organization.save()

    changed = client.get("/programme.csv", headers={"if-none-match": first["ETag"]})

    assert changed.status_code == 200
    assert "nouveau nom" in content(changed).decode("utf-8-sig")


def test_an_event_leaving_the_selection_changes_last_modified(client, programme):
    # HTTP dates count seconds: the programme was last changed a minute ago.
    Event.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=1))
    first = client.get("/programme.csv?region=53")
    event = programme["rennes"]
    event.status = EventStatus.DRAFT  # unpublished
    event.save()

    response = client.get(
        "/programme.csv?region=53", headers={"if-modified-since": first["Last-Modified"]}
    )

    assert response.status_code == 200
    assert "atelier-rennes" not in content(response).decode("utf-8-sig")


@pytest.mark.parametrize("path", FEEDS)
def test_a_feed_costs_the_same_queries_for_1_and_for_500_events(client, edition, path):
    def queries(count: int) -> int:
        Event.objects.all().delete()
        bulk_programme(edition, count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            body = content(response)
        assert len(feed_slugs(path, body)) == min(count, 50 if path.endswith(".atom") else count)
        return len(captured)

    assert queries(1) == queries(500)


def test_a_feed_streams_rather_than_building_one_string(client, programme):
    for path in ["/programme.ics", "/programme.csv", "/programme.json", "/programme.geojson"]:
        response = client.get(path)
        assert response.streaming, path
        chunks = list(response.streaming_content)
        assert len(chunks) > 2, path  # a head, one chunk per event, an end


# The programme page's links ---------------------------------------------------------------------


def test_the_programme_offers_to_subscribe_to_and_download_its_selection(client, programme):
    response = client.get("/programme/?region=53&page=1&region_typo=")

    page = response.content.decode()
    assert "S’abonner à cette sélection" in page
    assert 'href="webcal://127.0.0.1:8000/programme.ics?region=53' in page
    assert f'href="{SITE}/programme.ics?region=53' in page
    assert f'href="{SITE}/programme.csv?region=53' in page
    assert 'type="application/atom+xml"' in page
    assert "page=1" not in re.search(r'href="webcal://[^"]+"', page).group()


def test_a_past_editions_page_links_to_its_own_feeds(client, programme):
    page = client.get("/editions/2021/").content.decode()

    assert f'href="{SITE}/editions/2021/programme.ics"' in page
    assert 'href="webcal://127.0.0.1:8000/editions/2021/programme.ics"' in page
