"""/programme/calendrier/: the month day by day, with the filters of the programme."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus
from events.models import EventSession
from events.search import events_refresh_search
from tests.factories import EventFactory, LabFactory

NOV = datetime.date(2022, 11, 1)


def publish(edition, **kwargs):
    return EventFactory(edition=edition, published=True, **kwargs)


def days(response) -> dict[datetime.date, int]:
    return {
        day.date: day.count
        for month in response.context["months"]
        for week in month.weeks
        for day in week
        if day.in_month
    }


def test_calendar_counts_events_per_day(client, edition):
    publish(edition, starts_on=NOV.replace(day=15))
    publish(edition, starts_on=NOV.replace(day=15), online=True)
    series = publish(edition, starts_on=NOV.replace(day=16))
    EventSession.objects.create(event=series, date=NOV.replace(day=23))
    # Two sessions the same day count once.
    EventSession.objects.create(
        event=series, date=NOV.replace(day=16), start_time=datetime.time(16)
    )
    EventFactory(edition=edition, submitted=True, starts_on=NOV.replace(day=15))

    response = client.get("/programme/calendrier/")

    assert response.status_code == 200
    counts = days(response)
    assert counts[NOV.replace(day=15)] == 2
    assert counts[NOV.replace(day=16)] == 1
    assert counts[NOV.replace(day=23)] == 1
    assert counts[NOV.replace(day=17)] == 0
    assert [m.first_day for m in response.context["months"]] == [NOV]
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<th scope="col">' in page


def test_each_day_links_to_the_programme_of_that_day_with_the_filters(client, edition):
    publish(edition, starts_on=NOV.replace(day=15), region="53")

    page = client.get("/programme/calendrier/?region=53").content.decode()

    assert 'href="/programme/?region=53&amp;du=2022-11-15&amp;au=2022-11-15"' in page
    assert "2&nbsp;événements" not in page
    assert "1&nbsp;événement" in page


def test_calendar_applies_the_filters(client, edition):
    publish(edition, starts_on=NOV.replace(day=15), region="53")
    publish(edition, starts_on=NOV.replace(day=15), region="84", department="69")
    lab_event = publish(edition, starts_on=NOV.replace(day=18), region="84", department="69")
    lab_event.labs.add(LabFactory(slug="lab-x"))

    assert days(client.get("/programme/calendrier/?region=84"))[NOV.replace(day=15)] == 1
    counts = days(client.get("/programme/calendrier/?lab=lab-x"))
    assert counts[NOV.replace(day=15)] == 0 and counts[NOV.replace(day=18)] == 1


def test_calendar_shows_the_months_of_derogations(client, edition):
    publish(edition, starts_on=datetime.date(2022, 10, 28))

    response = client.get("/programme/calendrier/")

    assert [m.first_day for m in response.context["months"]] == [
        datetime.date(2022, 10, 1),
        NOV,
    ]
    assert days(response)[datetime.date(2022, 10, 28)] == 1


def test_calendar_with_invalid_filters_is_a_normal_page(client, edition):
    publish(edition, starts_on=NOV.replace(day=15))

    response = client.get("/programme/calendrier/?region=zz&du=2022-02-31&page=abc")

    assert response.status_code == 200
    assert "ont été ignorés" in response.content.decode()
    assert days(response)[NOV.replace(day=15)] == 1


def test_calendar_without_edition(client, db):
    response = client.get("/programme/calendrier/")

    assert response.status_code == 200
    assert "pas encore publié" in response.content.decode()


def test_cancelled_events_still_appear_in_the_calendar(client, edition):
    publish(edition, starts_on=NOV.replace(day=15), status=EventStatus.CANCELLED)

    assert days(client.get("/programme/calendrier/"))[NOV.replace(day=15)] == 1


@pytest.mark.parametrize("url", ["/programme/calendrier/", "/programme/calendrier/?q=atelier"])
def test_calendar_runs_as_many_queries_for_1_and_50_events(client, edition, url):
    publish(edition, starts_on=NOV.replace(day=2))
    events_refresh_search()
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for n in range(49):
        event = publish(edition, starts_on=NOV.replace(day=2 + n % 28))
        EventSession.objects.create(event=event, date=NOV.replace(day=3 + n % 27))
    events_refresh_search()
    with CaptureQueriesContext(connection) as fifty:
        client.get(url)

    assert len(one) == len(fifty)
