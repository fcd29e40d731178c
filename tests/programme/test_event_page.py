"""/evenements/<slug>/: everything public about an event."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import AttendanceMode, Audience, EventStatus, RegistrationMode, ScheduleStatus
from events.models import EventSession
from tests.factories import (
    EditionFactory,
    EventFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
)

NOV = datetime.date(2022, 11, 1)


@pytest.fixture
def event(edition):
    event = EventFactory(
        edition=edition,
        published=True,
        title="Fresque du numérique responsable",
        slug="fresque",
        summary="Un atelier pour comprendre l’impact du numérique.",
        description="Première ligne.\n\nDeuxième paragraphe.",
        venue_name="Préfecture d’Ille-et-Vilaine",
        address="3 avenue de la Préfecture",
        postal_code="35000",
        city="Rennes",
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://webinaire.example.gouv.fr/fresque",
        audience=Audience.MANAGERS,
        registration_mode=RegistrationMode.LINK,
        registration_url="https://inscription.example.gouv.fr/fresque",
        capacity=30,
        accessible_wheelchair=True,
        accessible_captions=True,
        public_contact_name="Équipe innovation",
        public_contact_email="innovation@example.gouv.fr",
        starts_on=NOV.replace(day=15),
    )
    EventSession.objects.create(event=event, date=NOV.replace(day=22))
    event.ends_on = NOV.replace(day=22)
    event.save()
    event.labs.add(LabFactory(name="Ti Lab", slug="ti-lab"))
    event.themes.add(ThemeFactory(name="Sobriété numérique", slug="sobriete"))
    event.co_organizers.add(OrganizationFactory(name="Région Bretagne", slug="region-bretagne"))
    return event


def test_event_page_shows_everything_public(client, event):
    response = client.get("/evenements/fresque/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    for text in [
        "Fresque du numérique responsable",
        "Un atelier pour comprendre l’impact du numérique.",
        "<p>Deuxième paragraphe.</p>",
        "mardi 15 novembre 2022, de 10\xa0h à 12\xa0h",
        "mardi 22 novembre 2022",
        "(horaires à préciser)",
        "Les 2 séances",
        "Préfecture d’Ille-et-Vilaine",
        "3 avenue de la Préfecture, 35000 Rennes",
        "https://www.openstreetmap.org/search?query=3%20avenue%20de%20la%20Pr%C3%A9fecture",
        "Aussi en ligne",
        "https://webinaire.example.gouv.fr/fresque",
        "https://inscription.example.gouv.fr/fresque",
        "S’inscrire",
        "30 places.",
        "Managers et encadrants",
        "Accessible en fauteuil roulant",
        "Sous-titrage ou transcription",
        'href="/labs/ti-lab/"',
        'href="/organisateurs/region-bretagne/"',
        "Sobriété numérique",
        'href="/programme/?theme=sobriete"',
        "Atelier",
        "Hybride (présentiel et en ligne)",
        'href="/evenements/fresque/calendrier.ics"',
        "innovation@example.gouv.fr",
        "linkedin.com/sharing/share-offsite/?url=http%3A%2F%2F127.0.0.1%3A8000%2Fevenements%2Ffresque%2F",
        "mailto:?subject=Fresque%20du%20num%C3%A9rique%20responsable",
    ]:
        assert text in page, text
    assert "Cet événement est annulé" not in page


def test_event_page_has_breadcrumb_meta_description_and_opengraph(client, event):
    page = client.get("/evenements/fresque/").content.decode()

    assert 'class="fr-breadcrumb"' in page
    assert 'href="/programme/">Programme 2022</a>' in page
    description = "Un atelier pour comprendre l’impact du numérique."
    assert f'<meta name="description"\n        content="{description}">' in page
    assert '<meta property="og:title" content="Fresque du numérique responsable">' in page
    assert '<link rel="canonical" href="http://127.0.0.1:8000/evenements/fresque/">' in page


def _json_ld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def test_event_page_describes_the_event_for_search_engines(client, event):
    data = _json_ld(client.get("/evenements/fresque/").content.decode())

    assert data["@type"] == "Event"
    assert data["name"] == "Fresque du numérique responsable"
    assert data["startDate"] == "2022-11-15T10:00:00+01:00"
    assert data["endDate"] == "2022-11-22"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place"
    assert place["address"]["addressLocality"] == "Rennes"
    assert place["address"]["postalCode"] == "35000"
    assert virtual == {
        "@type": "VirtualLocation",
        "url": "https://webinaire.example.gouv.fr/fresque",
    }
    assert [o["name"] for o in data["organizer"]][1] == "Région Bretagne"
    assert data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == "0"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_json_ld_cannot_close_its_script_element(client, edition):
    EventFactory(edition=edition, published=True, slug="xss", title="</script><script>alert(1)")

    page = client.get("/evenements/xss/").content.decode()

    assert "</script><script>alert(1)" not in page
    assert _json_ld(page)["name"] == "</script><script>alert(1)"


def test_cancelled_event_is_clearly_marked(client, event):
    event.status = EventStatus.CANCELLED
    event.moderation_message = "La salle n’est plus disponible."
    event.save()

    page = client.get("/evenements/fresque/").content.decode()

    assert "Cet événement est annulé" in page
    assert "La salle n’est plus disponible." in page
    assert "S’inscrire" not in page
    assert "inscriptions sont fermées" in page
    assert _json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"


def test_full_event_says_complet(client, event):
    event.schedule_status = ScheduleStatus.FULL
    event.save()

    page = client.get("/evenements/fresque/").content.decode()

    assert "Complet" in page
    assert "S’inscrire" not in page
    assert _json_ld(page)["offers"]["availability"] == "https://schema.org/SoldOut"


def test_online_event_has_a_virtual_location(client, edition):
    EventFactory(edition=edition, published=True, online=True, slug="webinaire")

    page = client.get("/evenements/webinaire/").content.decode()

    assert _json_ld(page)["location"]["@type"] == "VirtualLocation"
    assert "openstreetmap" not in page


@pytest.mark.parametrize(
    "status",
    [
        EventStatus.DRAFT,
        EventStatus.SUBMITTED,
        EventStatus.CHANGES_REQUESTED,
        EventStatus.REJECTED,
    ],
)
def test_events_that_are_not_public_are_a_404(client, edition, status):
    EventFactory(edition=edition, status=status, slug="secret")

    assert client.get("/evenements/secret/").status_code == 404
    assert client.get("/evenements/secret/calendrier.ics").status_code == 404


def test_unknown_event_is_a_404(client, db):
    assert client.get("/evenements/nulle-part/").status_code == 404


def test_related_events_share_a_lab_or_a_theme(client, event, edition):
    same_lab = EventFactory(edition=edition, published=True, title="Même lab")
    same_lab.labs.add(*event.labs.all())
    same_theme = EventFactory(edition=edition, published=True, title="Même thème")
    same_theme.themes.add(*event.themes.all())
    EventFactory(edition=edition, published=True, title="Sans rapport")
    hidden = EventFactory(edition=edition, submitted=True, title="Pas publié")
    hidden.labs.add(*event.labs.all())

    response = client.get("/evenements/fresque/")

    assert [e.title for e in response.context["related"]] == ["Même lab", "Même thème"]


def test_event_of_a_past_edition_links_back_to_its_edition(client, db):
    EditionFactory(year=2022)
    past = EditionFactory(year=2021, is_current=False)
    EventFactory(edition=past, published=True, slug="ancien", starts_on=datetime.date(2021, 11, 9))

    page = client.get("/evenements/ancien/").content.decode()

    assert 'href="/editions/2021/">Édition 2021</a>' in page


def test_event_page_query_count_does_not_grow_with_sessions_and_links(client, event, edition):
    EventFactory(edition=edition, published=True).themes.add(*event.themes.all())
    with CaptureQueriesContext(connection) as few:
        client.get("/evenements/fresque/")
    for n in range(10):
        EventSession.objects.create(event=event, date=NOV.replace(day=3 + n))
        event.labs.add(LabFactory())
        event.themes.add(ThemeFactory())
        event.co_organizers.add(OrganizationFactory())
        related = EventFactory(edition=edition, published=True)
        related.themes.add(*event.themes.all())
    with CaptureQueriesContext(connection) as many:
        client.get("/evenements/fresque/")

    assert len(few) == len(many)


def test_private_contact_for_ditp_never_reaches_the_public(client, edition):
    event = EventFactory(
        edition=edition,
        published=True,
        slug="contact-prive",
        public_contact_email="contact@ville.fr",
        private_contact_name="Camille Agent",
        private_contact_email="camille.agent@interne.gouv.fr",
        private_contact_phone="01 23 45 67 89",
    )

    pages = [
        client.get(event.get_absolute_url()).content.decode(),
        client.get(f"{event.get_absolute_url()}calendrier.ics").content.decode(),
        client.get("/programme/").content.decode(),
    ]

    assert "contact@ville.fr" in pages[0]
    for page in pages:
        assert "camille.agent@interne.gouv.fr" not in page
        assert "Camille Agent" not in page
        assert "01 23 45 67 89" not in page
