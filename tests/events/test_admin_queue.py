"""The moderation queue: the event changelist of the DITP back-office."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import Event
from organizers.enums import OrganizationKind
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
)

CHANGELIST = reverse("admin:events_event_changelist")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def submitted(days_ago: int, **kwargs) -> Event:
    return EventFactory(
        status=EventStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def listed(response) -> list[Event]:
    return list(response.context["cl"].result_list)


def test_queue_lists_submitted_and_changed_events_oldest_first(moderator_client, edition):
    recent = submitted(1, edition=edition, title="Récent")
    oldest = submitted(9, edition=edition, title="Le plus ancien")
    changed = EventFactory(
        edition=edition,
        published=True,
        changed_since_validation=True,
        submitted_at=timezone.now() - datetime.timedelta(days=5),
    )
    EventFactory(edition=edition, published=True)
    EventFactory(edition=edition)  # draft
    EventFactory(edition=edition, status=EventStatus.REJECTED)

    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == [oldest, changed, recent]


def test_status_filter_shows_any_status_or_all(moderator_client, edition):
    draft = EventFactory(edition=edition)
    published = EventFactory(edition=edition, published=True)
    queued = submitted(1, edition=edition)

    assert listed(moderator_client.get(CHANGELIST, {"status": "published"})) == [published]
    everything = listed(moderator_client.get(CHANGELIST, {"status": "tous"}))
    assert set(everything) == {draft, published, queued}


def test_list_shows_organisation_kind_region_dates_derogation(moderator_client, edition):
    organization = OrganizationFactory(
        name="Mairie de Lorient", kind=OrganizationKind.LOCAL_AUTHORITY
    )
    submitted(
        2,
        edition=edition,
        organization=organization,
        title="Balade urbaine",
        starts_on=datetime.date(2022, 11, 9),
        ends_on=datetime.date(2022, 11, 10),
        derogation_requested=True,
    )

    content = moderator_client.get(CHANGELIST).content.decode()

    assert "Mairie de Lorient" in content
    assert "Collectivité territoriale" in content
    assert "Bretagne" in content
    assert "du 09/11/2022 au 10/11/2022" in content
    assert "Dérogation demandée" in content  # filter title; the column shows the boolean icon


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region__exact": "84"}, "Atelier Lyon"),
        ({"format__id__exact": "FORMAT"}, "Webinaire"),
        ({"organization__kind__exact": OrganizationKind.HEALTH_SOCIAL}, "Hôpital"),
        ({"labs__id__exact": "LAB"}, "Avec lab"),
        ({"derogation_requested__exact": "1"}, "Dérogation"),
        ({"attendance_mode__exact": "online"}, "Webinaire"),
        ({"q": "Brest"}, "Rencontre"),
        ({"q": "CHU de Nantes"}, "Hôpital"),
        ({"q": "atelier lyon"}, "Atelier Lyon"),
    ],
)
def test_filters_and_search_narrow_the_queue(moderator_client, edition, params, expected):
    webinar_format = FormatFactory(name="Webinaire", slug="webinaire")
    lab = LabFactory()
    submitted(1, edition=edition, title="Atelier Lyon", region="84", department="69")
    submitted(1, edition=edition, title="Webinaire", format=webinar_format, online=True)
    submitted(
        1,
        edition=edition,
        title="Hôpital",
        organization=OrganizationFactory(name="CHU de Nantes", kind=OrganizationKind.HEALTH_SOCIAL),
    )
    submitted(1, edition=edition, title="Avec lab").labs.add(lab)
    submitted(1, edition=edition, title="Dérogation", derogation_requested=True)
    submitted(1, edition=edition, title="Rencontre", city="Brest")
    submitted(1, edition=edition, title="Autre")
    params = {
        key: {"FORMAT": str(webinar_format.pk), "LAB": str(lab.pk)}.get(value, value)
        for key, value in params.items()
    }

    titles = {event.title for event in listed(moderator_client.get(CHANGELIST, params))}

    assert titles == {expected}


def test_edition_and_changed_since_validation_filters(moderator_client):
    old = EditionFactory(year=2021, is_current=False)
    current = EditionFactory(year=2022)
    in_2021 = submitted(1, edition=old)
    submitted(1, edition=current)
    changed = EventFactory(edition=current, published=True, changed_since_validation=True)

    by_edition = listed(moderator_client.get(CHANGELIST, {"edition__id__exact": old.pk}))
    by_change = listed(moderator_client.get(CHANGELIST, {"changed_since_validation__exact": "1"}))

    assert by_edition == [in_2021]
    assert by_change == [changed]


def test_possible_duplicates_are_flagged(moderator_client, edition):
    organization = OrganizationFactory()
    day = datetime.date(2022, 11, 15)
    first = submitted(
        2, edition=edition, organization=organization, starts_on=day, title="Fresque du climat"
    )
    second = submitted(
        1,
        edition=edition,
        organization=organization,
        starts_on=day,
        title="FRESQUE DU CLIMAT (2e séance)",
    )
    other_day = submitted(
        1,
        edition=edition,
        organization=organization,
        starts_on=day + datetime.timedelta(days=1),
        title="Fresque du climat",
    )
    other_title = submitted(
        1, edition=edition, organization=organization, starts_on=day, title="Hackathon"
    )
    other_organization = submitted(1, edition=edition, starts_on=day, title="Fresque du climat")
    EventFactory(
        edition=edition,
        organization=organization,
        starts_on=day + datetime.timedelta(days=1),
        title="Fresque du climat",
        status=EventStatus.REJECTED,
    )  # a rejected event is no duplicate of `other_day`

    response = moderator_client.get(CHANGELIST)

    flags = {event.pk: event.possible_duplicate for event in listed(response)}
    assert flags == {
        first.pk: True,
        second.pk: True,
        other_day.pk: False,
        other_title.pk: False,
        other_organization.pk: False,
    }
    assert f"?organization={organization.pk}&amp;starts_on=2022-11-15" in response.content.decode()
    compared = moderator_client.get(
        CHANGELIST, {"organization": organization.pk, "starts_on": "2022-11-15", "status": "tous"}
    )
    assert set(listed(compared)) == {first, second, other_title}


def test_changelist_query_count_does_not_grow_with_events(moderator_client, edition):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = moderator_client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries)

    lab = LabFactory()
    submitted(1, edition=edition).labs.add(lab)
    one = count_queries()
    for days in range(29):
        submitted(days, edition=edition, derogation_requested=days % 2 == 0).labs.add(lab)
    thirty = count_queries()

    assert len(Event.objects.filter(status=EventStatus.SUBMITTED)) == 30
    assert thirty == one


def test_organiser_never_reaches_the_admin(client, organizer):
    client.force_login(organizer)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_admin_login(client, db):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_queue_counts_per_filter_choice(moderator_client, edition):
    submitted(1, edition=edition)
    EventFactory(edition=edition, published=True)

    response = moderator_client.get(CHANGELIST, {"_facets": "1"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "À traiter (soumis, modifiés depuis la validation ou signalés) (1)" in content
    assert "Tous les statuts (2)" in content
