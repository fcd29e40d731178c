"""The bilan pages: the DITP's back office by role and region, and the public bilan."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from moisinno.models import RegionalRelay
from tests.factories import MembershipFactory, UserFactory

BILAN = "/admin/results/eventoutcome/bilan/?edition=2025"


@pytest.fixture
def relay_idf(db):
    user = UserFactory(moderator=True, email="relais@idf.gouv.fr")
    RegionalRelay.objects.create(user=user, regions=["11"])
    return user


def test_only_moderators_see_the_bilan(client, bilan_edition, organizer):
    assert client.get(BILAN).status_code == 302  # to the admin's login
    client.force_login(organizer)
    assert client.get(BILAN).status_code == 302


def test_a_moderator_sees_every_region_and_whom_to_chase(client, bilan_edition, moderator):
    client.force_login(moderator)
    page = client.get(BILAN).content.decode()
    assert "<strong>6</strong> événements prévus" in page
    assert "<strong>70</strong> participants déclarés" in page
    assert "<strong>80&nbsp;%</strong> (4 sur 5 événements terminés)" in page
    assert (
        "<strong>3.4&nbsp;/&nbsp;5</strong>" in page or "<strong>3,4&nbsp;/&nbsp;5</strong>" in page
    )
    assert "Île-de-France" in page and "Bretagne" in page
    assert "Ville de Brest" in page and ">Relancer</button>" in page
    # Comments and registrants never reach the bilan, even the DITP's.
    assert "Commentaire très personnel" not in page and "Camille" not in page


def test_a_relay_sees_only_its_regions(client, bilan_edition, relay_idf):
    client.force_login(relay_idf)
    page = client.get(BILAN).content.decode()
    assert "<strong>2</strong> événements prévus" in page
    assert "Île-de-France" in page and "Bretagne" not in page
    assert "Ville de Brest" not in page
    # Nor may it remind another region's organisers.
    brest_event = Event.objects.get(title="C")
    url = reverse("admin:results_eventoutcome_chase", args=[brest_event.pk])
    assert client.post(url).status_code == 404


def test_the_exports(client, bilan_edition, moderator):
    client.force_login(moderator)
    xlsx = client.get("/admin/results/eventoutcome/bilan/export/xlsx/?edition=2025")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get("/admin/results/eventoutcome/bilan/export/csv/?edition=2025")
    text = csv.content.decode()
    assert "Ville de Brest;C;2025-11-10" in text
    assert "Bretagne;4;1;1;1;30;5;50;5;4.2" in text
    assert "Camille" not in text and "Commentaire" not in text
    assert client.get("/admin/results/eventoutcome/bilan/export/pdf/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_relancer_sends_the_reminder_to_the_organisers(client, bilan_edition, moderator):
    event = Event.objects.get(title="C")
    MembershipFactory(organization=event.organization, user__email="mairie@brest.fr")
    client.force_login(moderator)
    url = reverse("admin:results_eventoutcome_chase", args=[event.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Relance envoyée aux membres de Ville de Brest pour « C »." in (
        response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    )
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    [message] = mail.outbox
    assert message.to == ["mairie@brest.fr"]
    assert message.subject == "Combien de personnes sont venues à « C » ?"
    assert "/espace-organisateur/" in message.body


PUBLIC = "/editions/2025/bilan/"


def test_the_public_bilan_waits_for_its_publication(client, bilan_edition):
    assert client.get(PUBLIC).status_code == 404
    assert client.get(PUBLIC + "donnees.csv").status_code == 404
    bilan_edition.bilan_published_at = timezone.now() + datetime.timedelta(hours=1)
    bilan_edition.save()
    assert client.get(PUBLIC).status_code == 404


def test_the_public_bilan_and_its_open_data(client, bilan_edition):
    bilan_edition.bilan_published_at = timezone.now() - datetime.timedelta(days=1)
    bilan_edition.save()
    page = client.get(PUBLIC).content.decode()
    assert "<strong>6</strong> événements au programme" in page
    assert "<strong>70</strong> participants déclarés" in page
    assert "<strong>3,4&nbsp;sur&nbsp;5</strong>" in page
    assert "Le plus de participants&nbsp;: Île-de-France, avec 40 participants" in page
    # Île-de-France has 3 answers: its satisfaction stays hidden.
    assert "pas assez de réponses" in page
    data = client.get(PUBLIC + "donnees.csv")
    text = data.content.decode()
    assert "2025,region,Bretagne,4,1,1,30,50,4.2" in text
    assert "2025,region,Île-de-France,2,1,1,40,100,\r\n" in text
    assert 'rel="describedby"' in data["Link"]
    schema = client.get(PUBLIC + "schema.json").json()
    assert [f["name"] for f in schema["fields"]][:3] == ["edition", "dimension", "valeur"]
    # Nothing personal, no comment, no organisation to chase.
    for content in (page, text):
        for secret in ("Commentaire", "Camille", "example.org", "Ville de Brest", "Relancer"):
            assert secret not in content
