"""The embeddable widget: /integrer/ (the builder) and /integrer/programme/ (the framed list)."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus
from events.models import EventSession
from tests.factories import EventFactory, LabFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EMBED = "/integrer/programme/"
MAX_EMBED_BYTES = 30 * 1024


def publish(edition, **kwargs):
    return EventFactory(edition=edition, published=True, **kwargs)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def titles(response) -> set[str]:
    content = response.content.decode()
    links = re.findall(r'<h2[^>]*>\s*<a [^>]*>([^<]+)<span class="fr-sr-only">', content)
    return {html.unescape(title) for title in links}


# Framing ----------------------------------------------------------------------------------------


def test_only_the_embedded_list_may_be_framed_by_other_sites(client, edition):
    publish(edition)

    response = client.get(EMBED)

    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response
    # The rest of the policy stays as strict as everywhere else.
    assert directives(response)["script-src"] == "'self'"
    assert directives(response)["style-src"] == "'self'"


@pytest.mark.parametrize(
    "url", ["/", "/programme/", "/integrer/", "/mon-programme/", "/programme/calendrier/"]
)
def test_every_other_page_refuses_to_be_framed(client, edition, url):
    event = publish(edition)

    for path in (url, event.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["frame-ancestors"] == "'none'", path
        assert response["X-Frame-Options"] == "DENY", path


def test_embedded_list_is_light_without_header_footer_script_or_cookie(client, edition):
    publish(edition)

    response = client.get(EMBED)

    content = response.content.decode()
    assert "<script" not in content
    assert "fr-header" not in content and "fr-footer" not in content
    assert "dsfr.min.css" in content
    assert not response.cookies
    assert "public" in response["Cache-Control"]


# Content ----------------------------------------------------------------------------------------


def test_links_open_the_event_page_on_the_main_site(client, edition, settings):
    settings.SITE_URL = "https://moisinno.example.gouv.fr"
    event = publish(edition, title="Atelier intégré")

    content = client.get(EMBED).content.decode()

    link = re.search(r'<a href="([^"]+)" target="([^"]+)" rel="noopener">Atelier intégré', content)
    assert link.groups() == (
        f"https://moisinno.example.gouv.fr{event.get_absolute_url()}",
        "_blank",
    )
    assert 'href="https://moisinno.example.gouv.fr/programme/"' in content
    assert "nouvel onglet" in content


def test_embed_lists_the_same_events_as_the_programme(client, edition):
    organization = OrganizationFactory(slug="prefecture-bretagne")
    lab = LabFactory(slug="ti-lab")
    of_organization = publish(edition, title="De la préfecture", organization=organization)
    with_lab = publish(edition, title="Avec le Ti Lab", region="11", department="75")
    with_lab.labs.add(lab)
    publish(edition, title="Ailleurs", region="84", department="69")
    publish(edition, title="Brouillon", status=EventStatus.DRAFT, organization=organization)

    assert titles(client.get(EMBED)) == {"De la préfecture", "Avec le Ti Lab", "Ailleurs"}
    assert titles(client.get(EMBED, {"organisation": "prefecture-bretagne"})) == {
        of_organization.title
    }
    assert titles(client.get(EMBED, {"lab": "ti-lab"})) == {with_lab.title}
    assert titles(client.get(EMBED, {"region": "11"})) == {with_lab.title}
    programme = client.get("/programme/", {"region": "11"}).content.decode()
    assert "Avec le Ti Lab" in programme and "Ailleurs" not in programme


def test_embed_shows_the_first_events_and_links_to_the_whole_selection(client, edition):
    for n in range(5):
        publish(edition, title=f"Atelier {n}")

    response = client.get(EMBED, {"nombre": "2", "region": "53"})

    assert len(titles(response)) == 2
    content = response.content.decode()
    assert "5 événements, dont les 2 premiers" in content
    assert 'href="http://testserver/programme/?region=53"' in content or (
        "/programme/?region=53" in content
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "zz"}, "Région\u00a0: Sélectionnez un choix valide."),
        ({"du": "pas-une-date"}, "Du\u00a0: Saisissez une date valide."),
        (
            {"organisation": "inconnue"},
            "Organisation\u00a0: Aucune organisation du programme ne correspond à",
        ),
        ({"nombre": "beaucoup"}, "Nombre d’événements\u00a0: saisissez un nombre entier"),
        ({"nombre": "5000"}, "Nombre d’événements\u00a0: saisissez un nombre entier"),
    ],
)
def test_invalid_criteria_are_ignored_with_the_programmes_french_messages(
    client, edition, params, message
):
    publish(edition, title="Toujours listé")

    for url in (EMBED, "/integrer/"):
        response = client.get(url, params)
        assert response.status_code == 200, url
        content = html.unescape(response.content.decode())
        assert "Certains critères n’ont pas été compris et ont été ignorés" in content, url
        assert message.split("\u00a0")[0] in content, url
    assert "Toujours listé" in client.get(EMBED, params).content.decode()
    if "nombre" not in params:  # the very same message as the programme's
        programme = html.unescape(client.get("/programme/", params).content.decode())
        assert message in programme
        assert message in html.unescape(client.get(EMBED, params).content.decode())


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"du": "2022-13-45"},
        {"format": ["'; DROP TABLE", "\x00"]},
        {"page": "-1"},
    ],
)
def test_hostile_values_never_fail(client, edition, params):
    publish(edition)
    assert client.get(EMBED, params).status_code == 200
    assert client.get("/integrer/", params).status_code == 200


def test_without_a_current_edition(client, db):
    assert "pas encore publié" in client.get(EMBED).content.decode()
    assert "pas encore publié" in client.get("/integrer/").content.decode()


def _heavy_event(edition, n):
    """As long as the forms allow: titles, names and places."""
    organization = OrganizationFactory(name=(f"{n} " + "Direction régionale " * 10)[:200])
    event = publish(
        edition,
        title=(f"{n} " + "Atelier de co-conception des services publics " * 5)[:200],
        slug=f"{n}-" + "atelier-de-co-conception" * 8,
        organization=organization,
        city="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",
        attendance_mode="hybrid",
        online_url="https://webinaire.example.gouv.fr/salle",
        status=EventStatus.CANCELLED if n % 5 == 0 else EventStatus.PUBLISHED,
    )
    event.labs.add(LabFactory())
    EventSession.objects.create(event=event, date=event.starts_on + datetime.timedelta(days=1))
    return event


def test_twenty_events_weigh_at_most_30_kb(client, edition, settings):
    settings.SITE_URL = "https://mois-innovation-publique.modernisation.gouv.fr"
    for n in range(25):
        _heavy_event(edition, n)

    response = client.get(EMBED)

    assert len(titles(response)) == 20
    assert len(response.content) <= MAX_EMBED_BYTES, len(response.content)


def test_embed_runs_as_many_queries_for_1_and_20_events(client, edition):
    _heavy_event(edition, 0)
    with CaptureQueriesContext(connection) as one:
        client.get(EMBED, {"nombre": "20"})
    for n in range(1, 25):
        _heavy_event(edition, n)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(EMBED, {"nombre": "20"})

    assert len(titles(response)) == 20
    assert len(twenty) <= len(one) + 1  # the total is counted only when the list is full


# The builder ------------------------------------------------------------------------------------


def test_builder_offers_the_snippet_of_the_current_selection(client, edition, settings):
    settings.SITE_URL = "https://moisinno.example.gouv.fr"
    lab = LabFactory(slug="ti-lab")
    publish(edition).labs.add(lab)

    response = client.get("/integrer/", {"lab": "ti-lab", "region": "53", "nombre": "10"})

    content = response.content.decode()
    snippet = _snippet(response)
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', snippet).group(1))
    assert src.startswith("https://moisinno.example.gouv.fr/integrer/programme/?")
    assert sorted(src.split("?")[1].split("&")) == ["lab=ti-lab", "nombre=10", "region=53"]
    assert 'title="Programme du Mois de l’innovation publique"' in snippet
    preview = re.search(r'<iframe src="([^"]+)"\s+title="Aperçu', content)
    assert html.unescape(preview.group(1)) == src.removeprefix("https://moisinno.example.gouv.fr")
    assert 'label class="fr-label" for="embed-code"' in content
    assert "Cette sélection compte 1 événement" in content


def test_builder_keeps_only_the_understood_and_filled_criteria(client, edition):
    response = client.get(
        "/integrer/", {"region": "zz", "mode": "online", "page": "3", "q": "", "lab": ""}
    )

    snippet = _snippet(response)
    assert '/integrer/programme/?mode=online"' in snippet
    assert "region" not in snippet and "page" not in snippet and "q=" not in snippet


def test_the_snippet_is_valid_html_to_paste(client, edition):
    response = client.get("/integrer/", {"mode": ["online", "hybrid"]})

    assert "/integrer/programme/?mode=online&amp;mode=hybrid" in _snippet(response)


def _snippet(response) -> str:
    """The text of the code box, as the visitor copies it."""
    content = response.content.decode()
    textarea = re.search(r'id="embed-code"[^>]*>(.*?)</textarea>', content, re.S)
    return html.unescape(textarea.group(1))


def test_the_programme_links_its_selection_to_the_builder(client, edition):
    publish(edition)

    content = client.get("/programme/", {"region": "53", "mode": "in_person"}).content.decode()

    link = re.search(r'href="(/integrer/[^"]*)">Intégrer cette sélection sur votre site', content)
    assert html.unescape(link.group(1)) == "/integrer/?region=53&mode=in_person"
