"""The organiser dashboard's filters by state with their counts, the organisation a query
names, and the same queries whatever the number of events."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import EventStatus
from tests.factories import EventFactory, MembershipFactory, OrganizationFactory
from tests.organizer_space.dashboard import (
    DASHBOARD,
    every_page,
    filter_links,
    listed,
    many_events,
)

S = EventStatus


def test_the_filters_list_the_events_of_their_state(member_client, open_edition, organization):
    events = many_events(open_edition, organization, 22)
    past = EventFactory(
        edition=open_edition,
        organization=organization,
        status=S.PUBLISHED,
        title="Atelier déjà passé",
        starts_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    expected = {
        "À compléter": {e.pk for e in events if e.status in (S.DRAFT, S.CHANGES_REQUESTED)},
        "En attente de validation": {e.pk for e in events if e.status == S.SUBMITTED},
        "Validés et publiés": {e.pk for e in events if e.status == S.PUBLISHED},
        "Refusés ou annulés": {e.pk for e in events if e.status in (S.REJECTED, S.CANCELLED)},
        "Passés": {past.pk},
        "Tous": {e.pk for e in events} | {past.pk},
    }

    links = filter_links(member_client.get(DASHBOARD).content.decode())

    assert set(links) == {f"{label} ({len(pks)})" for label, pks in expected.items()}
    for label, pks in expected.items():
        pages, _ = every_page(member_client, links[f"{label} ({len(pks)})"])
        assert set().union(*pages) == pks, label


def test_a_filter_without_events_is_left_out_and_an_empty_one_leads_back(
    member_client, open_edition, organization
):
    EventFactory(edition=open_edition, organization=organization, status=S.PUBLISHED)

    page = member_client.get(DASHBOARD).content.decode()
    assert set(filter_links(page)) == {"Tous (1)", "Validés et publiés (1)"}

    query = f"?organisation={organization.slug}&etat=a-completer"
    page = member_client.get(DASHBOARD + query).content.decode()
    assert "Aucun événement dans cet état." in page
    assert f'href="?organisation={organization.slug}&amp;etat=tous#evenements-' in page
    assert "À compléter (0)" in page
    assert "À compléter&nbsp;: 0 événement." in page


def test_the_query_applies_to_the_organisation_it_names(
    member_client, member, open_edition, organization
):
    other = MembershipFactory(user=member, organization=OrganizationFactory()).organization
    mine = many_events(open_edition, organization, 25)
    theirs = many_events(open_edition, other, 25)
    stranger = OrganizationFactory()
    many_events(open_edition, stranger, 3)

    page = member_client.get(
        f"{DASHBOARD}?organisation={organization.slug}&etat=tous&page=2"
    ).content.decode()

    shown = listed(page)
    assert len(shown & {e.pk for e in mine}) == 5  # its second page
    assert len(shown & {e.pk for e in theirs}) == 20  # the other's first page
    page = member_client.get(f"{DASHBOARD}?organisation={stranger.slug}&page=2").content.decode()
    assert stranger.name not in page
    assert len(listed(page)) == 40  # both first pages, nothing of the stranger's


def test_the_dashboard_costs_the_same_queries_with_ten_times_more_events(
    member_client, open_edition, organization
):
    def count_queries(url=DASHBOARD) -> int:
        assert member_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(url).status_code == 200
        return len(queries)

    many_events(open_edition, organization, 3)
    many_events(open_edition, OrganizationFactory(), 3)
    few = count_queries()
    few_filtered = count_queries(f"{DASHBOARD}?organisation={organization.slug}&etat=publies")

    many_events(open_edition, organization, 30)
    for _ in range(5):
        many_events(open_edition, OrganizationFactory(), 6)

    assert count_queries() == few
    assert count_queries(f"{DASHBOARD}?organisation={organization.slug}&etat=publies") == (
        few_filtered
    )
