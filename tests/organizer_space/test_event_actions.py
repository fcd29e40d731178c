"""Submit, withdraw, resubmit, cancel, duplicate and preview from the organiser space."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.enums import EventStatus
from events.models import Event, ModerationLogEntry
from events.services import event_request_changes
from moisinno.models import OutgoingEmail
from tests.factories import EditionFactory, EventFactory, MembershipFactory, UserFactory
from tests.organizer_space.forms import complete_event_fields, event_form_data


def url(name, event):
    return reverse(f"organizers:{name}", args=[event.pk])


@pytest.fixture
def draft(open_edition, organization):
    return EventFactory(
        edition=open_edition,
        organization=organization,
        title="Atelier FALC",
        summary="Écrire facile à lire et à comprendre.",
        description="Un atelier pratique.",
        address="3 avenue de la Préfecture",
        private_contact_email="contact@bretagne.gouv.fr",
        starts_on=open_edition.start_date + datetime.timedelta(days=3),
    )


def test_submit_page_lists_every_missing_piece_and_offers_no_submit(member_client, draft):
    draft.summary = ""
    draft.is_free = False
    draft.save()

    response = member_client.get(url("event_submit", draft))

    html = response.content.decode()
    assert "Il reste 2 points à régler avant de soumettre l’événement" in html
    assert "Rédigez le résumé" in html
    assert "L’événement doit être gratuit" in html
    assert "Soumettre à l’équipe DITP" not in html
    assert url("event_update", draft) in html


def test_submit_post_of_an_ineligible_event_changes_nothing(member_client, draft):
    draft.sessions.all().delete()

    response = member_client.post(url("event_submit", draft))

    assert response.status_code == 200
    assert "Ajoutez au moins une séance" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


def test_submit_queues_ack_and_moderator_alert(member_client, draft, member):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")

    response = member_client.post(url("event_submit", draft))

    assert response.status_code == 302
    assert response["Location"] == reverse("organizers:dashboard")
    draft.refresh_from_db()
    assert draft.status == EventStatus.SUBMITTED
    emails = {email.template: email.to for email in OutgoingEmail.objects.all()}
    assert emails == {
        "event_submitted_ack": ["agent@bretagne.gouv.fr"],
        "event_submitted_alert": ["moderation@modernisation.gouv.fr"],
    }


def test_dashboard_shows_submitted_event_with_its_actions(member_client, draft):
    member_client.post(url("event_submit", draft))

    html = member_client.get(reverse("organizers:dashboard")).content.decode()

    assert "En cours de validation (1)" in html
    assert "Soumis à validation" in html
    assert url("event_withdraw", draft) in html
    assert url("event_update", draft) not in html


def test_submit_page_points_out_possible_duplicates(member_client, draft, organization):
    twin = EventFactory(
        edition=draft.edition,
        organization=organization,
        title="Atelier FALC !",
        starts_on=draft.starts_on,
        status=EventStatus.SUBMITTED,
    )

    html = member_client.get(url("event_submit", draft)).content.decode()

    assert 'id="possible-duplicates"' in html
    assert url("event_preview", twin) in html
    assert "Soumettre à l’équipe DITP" in html  # a warning, not a refusal


def test_submit_of_a_submitted_event_is_refused(member_client, draft):
    draft.status = EventStatus.SUBMITTED
    draft.save()

    response = member_client.post(url("event_submit", draft))

    assert response.status_code == 302
    assert not ModerationLogEntry.objects.exists()


def test_withdraw_brings_the_submission_back_to_draft(member_client, draft):
    member_client.post(url("event_submit", draft))

    assert member_client.get(url("event_withdraw", draft)).status_code == 200
    response = member_client.post(url("event_withdraw", draft))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT
    assert draft.moderation_log.last().to_status == EventStatus.DRAFT


def test_changes_requested_shows_the_message_and_resubmits_with_an_answer(
    member_client, draft, member
):
    moderator = UserFactory(moderator=True)
    member_client.post(url("event_submit", draft))
    event_request_changes(event=draft, user=moderator, message="Précisez l’adresse du lieu.")

    dashboard = member_client.get(reverse("organizers:dashboard")).content.decode()
    assert "Modifications demandées (1)" in dashboard
    assert "Précisez l’adresse du lieu." in dashboard
    assert url("event_resubmit", draft) in dashboard
    page = member_client.get(url("event_resubmit", draft)).content.decode()
    assert "Précisez l’adresse du lieu." in page

    response = member_client.post(
        url("event_resubmit", draft), {"message": "Adresse précisée : salle 3."}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == EventStatus.SUBMITTED
    entry = draft.moderation_log.last()
    assert (entry.from_status, entry.message) == (
        "changes_requested",
        "Adresse précisée : salle 3.",
    )


def test_save_and_submit_button_leads_to_the_submission_page(member_client, draft, atelier):
    session = draft.sessions.get()
    data = event_form_data(
        action="submit",
        sessions=[
            {
                "id": str(session.pk),
                "event": str(draft.pk),
                "date": session.date.isoformat(),
                "start_time": "10:00",
                "end_time": "12:00",
            }
        ],
        **complete_event_fields(format_pk=atelier.pk),
    )

    response = member_client.post(url("event_update", draft), data)

    assert response["Location"] == url("event_submit", draft)


def test_cancel_requires_a_reason_then_keeps_the_event_public(member_client, draft):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    draft.status = EventStatus.PUBLISHED
    draft.save()

    response = member_client.post(url("event_cancel", draft), {"reason": ""})
    html = response.content.decode()
    assert "Indiquez le motif de l’annulation." in html
    assert 'aria-describedby="id_reason-desc-error"' in html
    assert 'href="#id_reason"' in html

    member_client.post(url("event_cancel", draft), {"reason": "Intervenant malade."})

    draft.refresh_from_db()
    assert draft.status == EventStatus.CANCELLED
    assert draft.moderation_message == "Intervenant malade."
    assert OutgoingEmail.objects.get(template="event_cancelled_alert").to == [
        "moderation@modernisation.gouv.fr"
    ]
    public = member_client.get(draft.get_absolute_url())
    assert public.status_code == 200
    assert "Intervenant malade." in public.content.decode()


def test_cancel_of_a_draft_is_refused(member_client, draft):
    member_client.post(url("event_cancel", draft), {"reason": "Pour voir"})

    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


def test_duplicate_creates_a_draft_and_opens_it(member_client, draft):
    assert member_client.get(url("event_duplicate", draft)).status_code == 200

    response = member_client.post(url("event_duplicate", draft))

    copy = Event.objects.exclude(pk=draft.pk).get()
    assert response["Location"] == url("event_update", copy)
    assert copy.title == "Atelier FALC (copie)"
    assert copy.status == EventStatus.DRAFT


def test_dashboard_lists_past_editions_to_duplicate(member_client, open_edition, organization):
    past = EditionFactory(year=2022, is_current=False)
    old = EventFactory(edition=past, organization=organization, title="Hackathon 2022")

    html = member_client.get(reverse("organizers:dashboard")).content.decode()
    assert "Éditions précédentes" in html
    assert url("event_duplicate", old) in html

    member_client.post(url("event_duplicate", old))

    copy = Event.objects.get(edition=open_edition)
    assert copy.title == "Hackathon 2022"
    assert not copy.sessions.exists()


def test_preview_renders_the_public_page_with_a_banner(member_client, draft):
    response = member_client.get(url("event_preview", draft))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aperçu\u00a0: voici l’événement tel que le public le verra" in html
    assert "Atelier FALC" in html
    assert '<meta name="robots" content="noindex">' in html
    assert member_client.get(draft.get_absolute_url()).status_code == 404  # still a draft


def test_closed_referencing_window_is_explained_and_blocks_creation(member_client, closed_edition):
    dashboard = member_client.get(reverse("organizers:dashboard")).content.decode()
    assert f"Le référencement de l’édition {closed_edition.year} a pris fin le" in dashboard
    assert reverse("organizers:event_create") not in dashboard

    response = member_client.post(reverse("organizers:event_create"), {"title": "Tard"})

    assert "Le référencement est fermé" in response.content.decode()
    assert not Event.objects.exists()


def test_published_event_can_still_be_edited_after_the_window(
    member_client, closed_edition, organization
):
    event = EventFactory(
        edition=closed_edition, organization=organization, published=True, city="Rennes"
    )

    response = member_client.post(
        url("event_update", event), event_form_data(title="Nouveau titre", department="35")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Nouveau titre"
    assert event.changed_since_validation


def test_event_create_asks_which_organisation_when_member_of_several(
    member_client, member, open_edition
):
    other = MembershipFactory(user=member).organization

    chooser = member_client.get(reverse("organizers:event_create"))
    assert "Pour quelle organisation\u00a0?" in chooser.content.decode()

    member_client.post(
        reverse("organizers:event_create") + f"?organisation={other.slug}",
        event_form_data(title="Ici"),
    )
    assert Event.objects.get().organization == other


def test_event_create_without_organisation_sends_to_the_dashboard(client, open_edition):
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("organizers:event_create"))

    assert response["Location"] == reverse("organizers:dashboard")
    dashboard = client.get(response["Location"]).content.decode()
    assert "Commencez par votre organisation" in dashboard


def test_dashboard_query_count_does_not_grow_with_events(member_client, open_edition, organization):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(reverse("organizers:dashboard")).status_code == 200
        return len(queries)

    past = EditionFactory(year=2022, is_current=False)
    EventFactory(edition=open_edition, organization=organization)
    EventFactory(edition=past, organization=organization)
    one = count_queries()
    for status in EventStatus.values:
        EventFactory.create_batch(3, edition=open_edition, organization=organization, status=status)
    EventFactory.create_batch(3, edition=past, organization=organization)

    assert count_queries() == one
