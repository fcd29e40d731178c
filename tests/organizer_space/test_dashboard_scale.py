"""The organiser dashboard of an organisation with many events: 20 events a page, filters by
state with their counts, every event reachable, the same queries whatever the number of events."""

import datetime
import html
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import Event
from tests.factories import (
    EventFactory,
    EventSessionFactory,
    LabFactory,
    MembershipFactory,
    OrganizationFactory,
    ThemeFactory,
)

DASHBOARD = reverse("organizers:dashboard")
S = EventStatus


def many_events(edition, organization, count: int) -> list[Event]:
    """`count` events of every status, with two sessions, labs and themes each, and long
    titles, as organisers write them."""
    statuses = itertools.cycle(
        [S.PUBLISHED] * 6 + [S.SUBMITTED, S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED, S.CANCELLED]
    )
    events = []
    for number in range(count):
        status = next(statuses)
        event = EventFactory(
            edition=edition,
            organization=organization,
            status=status,
            title=(
                "Atelier de co-construction d’un service public numérique avec ses usagers "
                f"n° {number}"
            ),
            starts_on=edition.start_date + datetime.timedelta(days=number % 20),
            moderation_message="Précisez l’adresse du lieu et le public visé, s’il vous plaît."
            if status in (S.CHANGES_REQUESTED, S.REJECTED, S.CANCELLED)
            else "",
        )
        EventSessionFactory(event=event, date=event.starts_on + datetime.timedelta(days=1))
        event.labs.add(LabFactory())
        event.themes.add(ThemeFactory())
        events.append(event)
    return events


def listed(page: str) -> set[int]:
    """The events of a dashboard page, by the link to their preview."""
    return {int(pk) for pk in re.findall(r"/espace-organisateur/evenements/(\d+)/apercu/", page)}


def next_page(page: str) -> str | None:
    found = re.search(r'fr-pagination__link--next[^"]*"\s+href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def filter_links(page: str) -> dict[str, str]:
    """{label (count): URL} of the menu of filters by state."""
    return {
        html.unescape(label): html.unescape(href)
        for href, label in re.findall(
            r'<a class="fr-sidemenu__link"\s+href="([^"]+)"[^>]*>([^<]+)</a>', page
        )
    }


def every_page(client, url: str) -> tuple[list[set[int]], list[str]]:
    """Follow « Page suivante » from `url`: the events of each page, and the pages."""
    events, pages = [], []
    while url:
        response = client.get(DASHBOARD + url.split("#")[0] if url.startswith("?") else url)
        assert response.status_code == 200
        page = response.content.decode()
        events.append(listed(page))
        pages.append(page)
        url = next_page(page)
    return events, pages


@pytest.fixture
def big(open_edition, organization):
    return many_events(open_edition, organization, 150)


def test_an_organisation_with_150_events_gets_pages_under_100_kb(member_client, big):
    response = member_client.get(DASHBOARD)

    page = response.content.decode()
    assert len(response.content) < 100_000
    assert len(listed(page)) == 20
    assert "Tous&nbsp;: 150 événements, page 1 sur 8." in page
    assert 'aria-label="Pagination des événements de « ' in page
    assert re.search(r'aria-current="page"\s+title="Page 1"', page)


def test_every_event_is_reachable_through_the_pages_once(member_client, big):
    events, pages = every_page(member_client, DASHBOARD)

    assert len(events) == 8
    assert [len(on_page) for on_page in events] == [20] * 7 + [10]
    assert set().union(*events) == {event.pk for event in big}
    assert sum(len(on_page) for on_page in events) == 150  # none twice
    assert all(len(page.encode()) < 100_000 for page in pages)
    # What needs attention first: the statuses in the workflow's order, over the pages.
    headings = re.findall(r'<h4 class="fr-h5 fr-mt-4w">([^(<]+) \(', "".join(pages))
    assert list(dict.fromkeys(headings)) == [
        "Modifications demandées",
        "Brouillons",
        "En cours de validation",
        "Publiés",
        "Refusés",
        "Annulés",
    ]


def test_each_event_keeps_its_actions_on_its_page(member_client, big):
    events, pages = every_page(member_client, DASHBOARD)

    last = next(event for event in big if event.pk in events[-1])
    for name in ("event_preview", "event_duplicate"):
        assert reverse(f"organizers:{name}", args=[last.pk]) in pages[-1]
    draft = next(event for event in big if event.status == S.DRAFT)
    page_of_draft = pages[next(i for i, on_page in enumerate(events) if draft.pk in on_page)]
    assert reverse("organizers:event_update", args=[draft.pk]) in page_of_draft
    assert reverse("organizers:event_delete", args=[draft.pk]) in page_of_draft


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


@pytest.mark.parametrize(
    "query",
    [
        "etat=nimporte-quoi",
        "etat=%00",
        "page=abc",
        "page=-1",
        "page=99999999999999999999999",
        "page=1e3",
        "etat=tous&page=0",
    ],
)
def test_a_wrong_filter_or_page_is_no_error(member_client, organization, big, query):
    response = member_client.get(f"{DASHBOARD}?organisation={organization.slug}&{query}")

    assert response.status_code == 200
    page = response.content.decode()
    assert len(listed(page)) in (10, 20)
    if query.startswith("etat=n") or query.startswith("etat=%"):
        assert "Ce filtre n’existe pas : tous les événements sont affichés." in page


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
