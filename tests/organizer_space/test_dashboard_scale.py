"""The organiser dashboard of an organisation with 150 events: 20 events a page, every event
reachable once with its actions, a wrong filter or page is no error."""

import re

import pytest
from django.urls import reverse

from events.enums import EventStatus
from tests.factories import MembershipFactory, current_edition, module_data
from tests.organizer_space.dashboard import DASHBOARD, every_page, listed, many_events

S = EventStatus


@pytest.fixture(scope="module")
def big_data(django_db_setup, django_db_blocker):
    """An organiser whose organisation has 150 events in the open edition, created once for
    the module's tests that only read them (`module_data`)."""
    with module_data(django_db_blocker):
        edition = current_edition()
        membership = MembershipFactory(user__email="agent@bretagne.gouv.fr")
        yield membership, many_events(edition, membership.organization, 150)


@pytest.fixture
def big(big_data, db, client):
    """(the organisation, its 150 events, the test client signed in as its organiser)."""
    membership, events = big_data
    client.force_login(membership.user)
    return membership.organization, events, client


def test_an_organisation_with_150_events_gets_pages_under_100_kb(big):
    _, _, member_client = big
    response = member_client.get(DASHBOARD)

    page = response.content.decode()
    assert len(response.content) < 100_000
    assert len(listed(page)) == 20
    assert "Tous&nbsp;: 150 événements, page 1 sur 8." in page
    assert 'aria-label="Pagination des événements de « ' in page
    assert re.search(r'aria-current="page"\s+title="Page 1"', page)


def test_every_event_is_reachable_through_the_pages_once(big):
    _, created, member_client = big
    events, pages = every_page(member_client, DASHBOARD)

    assert len(events) == 8
    assert [len(on_page) for on_page in events] == [20] * 7 + [10]
    assert set().union(*events) == {event.pk for event in created}
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


def test_each_event_keeps_its_actions_on_its_page(big):
    _, created, member_client = big
    events, pages = every_page(member_client, DASHBOARD)

    last = next(event for event in created if event.pk in events[-1])
    for name in ("event_preview", "event_duplicate"):
        assert reverse(f"organizers:{name}", args=[last.pk]) in pages[-1]
    draft = next(event for event in created if event.status == S.DRAFT)
    page_of_draft = pages[next(i for i, on_page in enumerate(events) if draft.pk in on_page)]
    assert reverse("organizers:event_update", args=[draft.pk]) in page_of_draft
    assert reverse("organizers:event_delete", args=[draft.pk]) in page_of_draft


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
def test_a_wrong_filter_or_page_is_no_error(big, query):
    organization, _, member_client = big
    response = member_client.get(f"{DASHBOARD}?organisation={organization.slug}&{query}")

    assert response.status_code == 200
    page = response.content.decode()
    assert len(listed(page)) in (10, 20)
    if query.startswith("etat=n") or query.startswith("etat=%"):
        assert "Ce filtre n’existe pas : tous les événements sont affichés." in page
