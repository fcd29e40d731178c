"""/evenements/<slug>/calendrier.ics: RFC 5545, parsed back with the icalendar library."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from events.enums import AttendanceMode, EventStatus
from events.models import EventSession
from programme.ical import MAX_LINE_OCTETS, escape_text, fold
from tests.factories import EventFactory, session_place_of

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOV = datetime.date(2022, 11, 1)


@pytest.fixture
def event(edition):
    event = EventFactory(
        edition=edition,
        published=True,
        slug="atelier-ics",
        title="Atelier : données, IA; et « FALC »",
        summary="Résumé\\avec antislash",
        description="Première ligne\nDeuxième ligne, avec virgule; et point-virgule. " * 4,
        venue_name="Mairie",
        address="1 place de la Mairie",
        postal_code="35000",
        city="Rennes",
        starts_on=NOV.replace(day=15),
    )
    EventSession.objects.create(event=event, date=NOV.replace(day=29))  # times unknown
    return event


def _get(client, slug="atelier-ics"):
    response = client.get(f"/evenements/{slug}/calendrier.ics")
    assert response.status_code == 200
    return response


def _events(response):
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_ics_is_a_calendar_download(client, event):
    response = _get(client)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="atelier-ics.ics"'


def test_ics_lines_end_with_crlf_and_fold_at_75_octets(client, event):
    raw = _get(client).content

    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= MAX_LINE_OCTETS
    assert any(line.startswith(b" ") for line in lines)  # the long description is folded
    for line in lines:
        line.decode("utf-8")  # folding never splits a UTF-8 character


def test_ics_has_one_event_per_session_in_paris_time(client, event):
    calendar = Calendar.from_ical(_get(client).content)
    timed, whole_day = calendar.walk("VEVENT")

    assert calendar["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert timed["DTSTART"].dt == datetime.datetime(2022, 11, 15, 10, tzinfo=PARIS)
    assert timed["DTEND"].dt == datetime.datetime(2022, 11, 15, 12, tzinfo=PARIS)
    assert timed["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=1)
    assert whole_day["DTSTART"].dt == NOV.replace(day=29)
    assert whole_day["DTEND"].dt == NOV.replace(day=30)
    assert str(timed["SUMMARY"]) == "Atelier : données, IA; et « FALC » (séance 1/2)"
    assert str(timed["LOCATION"]) == "Mairie, 1 place de la Mairie, 35000 Rennes"
    assert str(timed["URL"]) == "http://127.0.0.1:8000/evenements/atelier-ics/"
    assert str(timed["STATUS"]) == "CONFIRMED"
    description = str(timed["DESCRIPTION"])
    assert description.startswith("Résumé\\avec antislash\n\nPremière ligne\nDeuxième ligne, avec")
    assert description.endswith("http://127.0.0.1:8000/evenements/atelier-ics/")
    assert timed["DTSTAMP"].dt.tzinfo is not None


def test_ics_uids_are_stable_and_unique(client, event):
    first = [str(e["UID"]) for e in _events(_get(client))]
    event.title = "Nouveau titre"
    event.save()
    second = [str(e["UID"]) for e in _events(_get(client))]

    sessions = list(event.sessions.order_by("date"))
    assert first == second == [f"{event.pk}-{s.pk}@127.0.0.1" for s in sessions]


def test_cancelled_event_is_cancelled_in_calendars(client, event):
    event.status = EventStatus.CANCELLED
    event.version = 4
    event.save()

    vevents = _events(_get(client))

    assert {str(e["STATUS"]) for e in vevents} == {"CANCELLED"}
    assert all(int(e["SEQUENCE"]) == 4 for e in vevents)
    assert str(vevents[0]["SUMMARY"]).startswith("Annulé")


def test_online_event_location_and_date_only_calendar(client, edition):
    event = EventFactory(
        edition=edition,
        published=True,
        online=True,
        slug="webinaire",
        with_session=False,
        starts_on=NOV.replace(day=8),
    )
    event.sessions.create(date=NOV.replace(day=8), **session_place_of(event))

    raw = _get(client, "webinaire").content.decode()
    calendar = Calendar.from_ical(raw)

    assert "VTIMEZONE" not in raw  # no timed session: no time zone needed
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["LOCATION"]) == "En ligne\xa0: https://webinaire.example.gouv.fr/salle"
    assert "DTSTART;VALUE=DATE:20221108" in raw


def test_hybrid_location_names_both(client, edition):
    EventFactory(
        edition=edition,
        published=True,
        slug="hybride",
        attendance_mode=AttendanceMode.HYBRID,
        venue_name="Salle 1",
        online_url="https://visio.example.gouv.fr/x",
    )

    (vevent,) = _events(_get(client, "hybride"))

    assert (
        str(vevent["LOCATION"]) == "Salle 1, Rennes — En ligne\xa0: https://visio.example.gouv.fr/x"
    )


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("ligne 1\r\nligne 2\nligne 3", "ligne 1\\nligne 2\\nligne 3"),
    ],
)
def test_text_values_are_escaped(text, escaped):
    assert escape_text(text) == escaped


def test_folding_counts_octets_not_characters():
    line = "DESCRIPTION:" + "é" * 100

    folded = fold(line)

    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= MAX_LINE_OCTETS for part in parts)
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


@pytest.mark.parametrize("piece", ["a€😀é", "😀", "x"])
def test_folding_fills_each_line_and_never_splits_a_character(piece):
    line = "DESCRIPTION:" + piece * 97

    parts = fold(line).split("\r\n")
    unfolded = [part[1:] if i else part for i, part in enumerate(parts)]

    assert "".join(unfolded) == line
    for i, part in enumerate(parts[:-1]):
        # Full: the next character would not have fitted in the 75 octets.
        next_char = unfolded[i + 1][0]
        assert len(part.encode()) + len(next_char.encode()) > MAX_LINE_OCTETS
    assert all(len(part.encode()) <= MAX_LINE_OCTETS for part in parts)
