"""The DITP back office costs the same number of queries with 3 events as with 30.

Each page is counted on a small programme, then again once it holds ten times more events, from
more organisations, with more sessions, labs, themes, co-organisers, visitors' reports and a
moderation history written by more moderators: a query per row (a column, an inline, a filter
that reads each event) makes the second count larger.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.enums import EventStatus
from events.models import EventNote, EventReport, EventResource, ModerationLogEntry
from moisinno.models import RegionalRelay
from organizers.enums import OrganizationKind
from tests.factories import (
    EventFactory,
    EventSessionFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")
STATISTICS = reverse("admin:events_event_statistics")
REGIONS = [("53", "35"), ("11", "75"), ("84", "69")]
KINDS = itertools.cycle(OrganizationKind.values)
STATUSES = itertools.cycle(
    [EventStatus.SUBMITTED, EventStatus.PUBLISHED, EventStatus.DRAFT, EventStatus.REJECTED]
)


def count_queries(client, url: str) -> tuple[int, str]:
    """The queries of a request once the process is warm (its first request also reads what
    Django keeps: content types, the site), and the page."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def add_events(edition, count: int) -> list:
    """`count` events of as many organisations, formats and regions, each with two sessions,
    labs, themes, a co-organiser and a submission in its history; every other one reported by
    a visitor."""
    events = []
    for _ in range(count):
        region, department = REGIONS[len(events) % len(REGIONS)]
        status = next(STATUSES)
        event = EventFactory(
            edition=edition,
            organization=OrganizationFactory(kind=next(KINDS), region=region),
            format=FormatFactory(),
            status=status,
            region=region,
            department=department,
            submitted_at=timezone.now() - datetime.timedelta(hours=len(events) + 1),
            changed_since_validation=status == EventStatus.PUBLISHED,
        )
        EventSessionFactory(event=event, date=event.starts_on + datetime.timedelta(days=1))
        event.labs.add(LabFactory(), LabFactory())
        event.themes.add(ThemeFactory(), ThemeFactory())
        event.co_organizers.add(OrganizationFactory())
        if len(events) % 2:
            EventReport.objects.create(event=event, kind=EventReport.Kind.OTHER, message="Erreur")
        ModerationLogEntry.objects.create(
            event=event,
            from_status=EventStatus.DRAFT,
            to_status=EventStatus.SUBMITTED,
            actor=UserFactory(),
            actor_role="organizer",
        )
        events.append(event)
    return events


def in_queue(event) -> bool:
    """Submitted, published and changed since validation, or reported."""
    return (
        event.status in (EventStatus.SUBMITTED, EventStatus.PUBLISHED)
        or event.reports.filter(closed_at__isnull=True).exists()
    )


@pytest.fixture
def relay_client(client):
    relay = UserFactory(moderator=True, email="sgar@bretagne.gouv.fr")
    RegionalRelay.objects.create(user=relay, regions=["53", "11", "84"])
    client.force_login(relay)
    return client


@pytest.mark.parametrize("query", ["", "?status=tous"], ids=["moderation-queue", "all-events"])
@pytest.mark.parametrize("who", ["moderator_client", "relay_client"])
def test_the_event_list_costs_the_same_queries_with_ten_times_more_events(
    request, who, query, edition
):
    client = request.getfixturevalue(who)
    add_events(edition, 3)
    few, _ = count_queries(client, CHANGELIST + query)

    events = add_events(edition, 27)
    many, page = count_queries(client, CHANGELIST + query)

    assert many == few
    expected = events if query else [event for event in events if in_queue(event)]
    assert 10 < len(expected) < 50  # one page
    for event in events:
        assert (f">{event.title}</a>" in page) == (event in expected)
    # Each row as its columns say (the rows read only those), linked to its own change page.
    filters = "?_changelist_filters=status%3Dtous" if query else ""
    for event in expected:
        change = reverse("admin:events_event_change", args=[event.pk])
        assert f'<a href="{change}{filters}">{escape(event.title)}</a>' in page
        assert escape(event.organization.name) in page
        assert escape(event.organization.get_kind_display()) in page
    assert "1 signalement" in page


def add_history(event, numbers: range) -> None:
    """A session, a decision, a note, a visitor's report, a resource, a lab, a theme and a
    co-organiser for each number, each by another person."""
    for number in numbers:
        EventSessionFactory(event=event, date=event.starts_on + datetime.timedelta(days=number))
        moderator = UserFactory(moderator=True, email=f"moderateur{number}@modernisation.gouv.fr")
        ModerationLogEntry.objects.create(
            event=event,
            from_status=EventStatus.SUBMITTED,
            to_status=EventStatus.CHANGES_REQUESTED,
            actor=moderator,
            actor_role="moderator",
            message=f"Demande n° {number}",
        )
        EventNote.objects.create(event=event, author=moderator, text=f"Note interne n° {number}")
        EventReport.objects.create(
            event=event, kind=EventReport.Kind.OTHER, message=f"Signalement n° {number}"
        )
        EventResource.objects.create(
            event=event,
            title=f"Support n° {number}",
            url=f"https://example.gouv.fr/support-{number}",
            created_by=UserFactory(),
        )
        event.labs.add(LabFactory())
        event.themes.add(ThemeFactory())
        event.co_organizers.add(OrganizationFactory())


def test_the_change_page_costs_the_same_queries_with_a_long_history(moderator_client, edition):
    event = EventFactory(edition=edition, submitted=True, submitted_at=timezone.now())
    add_history(event, range(1, 2))
    url = reverse("admin:events_event_change", args=[event.pk])
    few, _ = count_queries(moderator_client, url)

    add_history(event, range(2, 7))
    many, page = count_queries(moderator_client, url)

    assert many == few
    for number in range(1, 7):
        assert f"Note interne n° {number}" in page
        assert f"Signalement n° {number}" in page
        assert f"Support n° {number}" in page
        assert f"Demande n° {number}" in page
        assert f"moderateur{number}@modernisation.gouv.fr" in page
    assert 'name="sessions-TOTAL_FORMS" value="7"' in page  # the factory's session and six
    assert 'name="sessions-6-date"' in page


def test_the_statistics_cost_the_same_queries_with_ten_times_more_events(moderator_client, edition):
    add_events(edition, 3)
    few, _ = count_queries(moderator_client, STATISTICS)

    add_events(edition, 27)
    many, page = count_queries(moderator_client, STATISTICS)

    assert many == few
    published = edition.events.filter(status=EventStatus.PUBLISHED).count()
    assert f"<strong>{published}</strong> événements" in page  # published, by default
    assert f"<strong>{published}</strong> organisés avec un ou plusieurs laboratoires" in page
