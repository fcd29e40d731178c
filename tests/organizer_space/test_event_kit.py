"""The organiser's kit (/espace-organisateur/evenements/<pk>/kit/): for a member of the
organisation and a published event only; its texts hold nothing private."""

import pytest

from events.enums import EventStatus
from tests.factories import EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, edition):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def test_the_kit_offers_the_poster_visuals_texts_calendar_qr_and_badge(client, member, edition):
    event = EventFactory(
        edition=edition,
        organization=member.organization,
        published=True,
        eligible=True,
        private_contact_phone="0611223344",
    )

    page = client.get(f"/espace-organisateur/evenements/{event.pk}/kit/").content.decode()

    for path in [
        f"/evenements/{event.slug}/affiche-a4.pdf",
        f"/evenements/{event.slug}/affiche-a3.pdf",
        f"/evenements/{event.slug}/visuel-1200x630.png",
        f"/evenements/{event.slug}/visuel-1080x1080.png",
        f"/evenements/{event.slug}/calendrier.ics",
        f"/evenements/{event.slug}/qr.png",
        f"/editions/{edition.year}/badge.png",
    ]:
        assert path in page
        assert client.get(path).status_code == 200, path
    assert "Texte court" in page and "Texte long" in page
    assert "Mois de l’innovation publique" in page
    assert "contact@bretagne.gouv.fr" not in page and "0611223344" not in page


def test_the_kit_is_for_published_events_of_ones_organisation(client, member, edition):
    draft = EventFactory(edition=edition, organization=member.organization)
    cancelled = EventFactory(
        edition=edition, organization=member.organization, status=EventStatus.CANCELLED
    )
    others = EventFactory(edition=edition, published=True)

    for event in (draft, cancelled, others):
        assert client.get(f"/espace-organisateur/evenements/{event.pk}/kit/").status_code == 404


def test_the_dashboard_links_to_the_kit_of_a_published_event(client, member, edition):
    event = EventFactory(edition=edition, organization=member.organization, published=True)

    page = client.get("/espace-organisateur/").content.decode()

    assert f"/espace-organisateur/evenements/{event.pk}/kit/" in page
