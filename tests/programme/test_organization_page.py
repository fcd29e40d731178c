"""/organisateurs/<slug>/: an organisation and its public events."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EditionFactory, EventFactory, OrganizationFactory


def test_organization_page_lists_its_public_and_co_organised_events(client, edition):
    organization = OrganizationFactory(
        name="Ville de Rennes", slug="ville-de-rennes", description="La ville."
    )
    EventFactory(edition=edition, published=True, organization=organization, title="Organisé")
    co = EventFactory(edition=edition, published=True, title="Co-organisé")
    co.co_organizers.add(organization)
    EventFactory(edition=edition, submitted=True, organization=organization, title="Brouillon")
    past = EditionFactory(year=2021, is_current=False)
    EventFactory(
        edition=past,
        published=True,
        organization=organization,
        title="En 2021",
        starts_on=datetime.date(2021, 11, 9),
    )

    response = client.get("/organisateurs/ville-de-rennes/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    titles = [e.title for e in response.context["page_obj"].object_list]
    assert sorted(titles[:2]) == ["Co-organisé", "Organisé"] and titles[2] == "En 2021"
    assert "Brouillon" not in page
    assert "Édition 2022 (en cours)" in page and "Édition 2021" in page


def test_unknown_organization_is_a_404(client, db):
    assert client.get("/organisateurs/inconnue/").status_code == 404


def test_organization_page_runs_as_many_queries_for_1_and_50_events(client, edition):
    organization = OrganizationFactory(slug="orga")
    EventFactory(edition=edition, published=True, organization=organization)
    with CaptureQueriesContext(connection) as one:
        client.get("/organisateurs/orga/")

    for _ in range(49):
        EventFactory(edition=edition, published=True, organization=organization)
    with CaptureQueriesContext(connection) as fifty:
        client.get("/organisateurs/orga/")

    assert len(one) == len(fifty)
