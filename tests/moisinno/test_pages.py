import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, LabFactory


def test_home_shows_edition_dates_theme_and_figures(client, edition):
    lab = LabFactory()
    first = EventFactory(edition=edition, published=True, region="53")
    first.labs.add(lab)
    EventFactory(edition=edition, published=True, region="44", department="57")
    EventFactory(edition=edition, submitted=True, region="11", department="75")  # not public

    response = client.get("/")

    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.events, figures.labs, figures.regions) == (2, 1, 2)
    assert figures.lab_share_percent == 50
    html = response.content.decode()
    assert "Du 2 novembre au 30 novembre 2022" in html
    assert "Co-production" in html


def test_the_home_figures_are_one_aggregate_whatever_the_number_of_events(client, edition):
    lab = LabFactory()
    EventFactory(edition=edition, published=True).labs.add(lab)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for index in range(30):
        event = EventFactory(edition=edition, published=True, region=["53", "11", "76"][index % 3])
        event.labs.add(lab, LabFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")

    # The page cache's version, the current edition, the figures (one aggregate on the
    # events), the featured events and the collections (issue 11).
    # The public-content version (read by the page cache, then by the figures' cache), the
    # current edition, the figures (one aggregate on the events), the featured events and the
    # collections (issue 11).
    assert len(few) == len(many) == 6
    assert sum("events_event" in q["sql"] and "COUNT" in q["sql"] for q in many) == 1
    figures = response.context["figures"]
    assert (figures.events, figures.labs, figures.regions, figures.with_labs) == (31, 31, 3, 31)

    # Kept until the public content changes: the next visit counts nothing again...
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert not any("COUNT" in q["sql"] for q in again)
    # ...and a newly published event is counted on the very next one.
    EventFactory(edition=edition, published=True, region="84")
    figures = client.get("/").context["figures"]
    assert (figures.events, figures.regions) == (32, 4)


def test_home_without_edition_says_programme_is_coming(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "pas encore publié" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibilite/", "Déclaration d’accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/plan-du-site/", "Plan du site"),
        ("/organiser-un-evenement/", "Organiser un événement"),
    ],
)
def test_mandatory_pages_exist(client, db, url, heading):
    response = client.get(url)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_every_link_of_the_shell_leads_to_a_real_page(client, edition):
    html = client.get("/").content.decode()
    internal_links = set(re.findall(r'href="(/[^"#]*)"', html)) - {"/"}

    assert {
        "/programme/",
        "/labs/",
        "/organiser-un-evenement/",
        "/accessibilite/",
    } <= internal_links
    for url in sorted(internal_links):
        if url.startswith("/static/"):
            continue
        assert client.get(url).status_code == 200, url
    assert 'href="#"' not in html


def test_the_site_map_leads_to_the_open_data(client, db):
    html = client.get("/plan-du-site/").content.decode()

    assert '<a href="/api/">API et données ouvertes</a>' in html
    assert '<a href="/chiffres/">Le Mois de l’innovation publique en chiffres</a>' in html
