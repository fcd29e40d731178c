"""Moderation decisions in the admin: buttons on the event page, bulk actions, history."""

import datetime
import re
import threading

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from events.enums import EventStatus
from events.models import Event, ModerationLogEntry
from events.services import (
    TransitionConflict,
    changes_fingerprint,
    event_approve,
    event_mark_reviewed,
    event_request_changes,
    event_submit,
)
from moisinno.models import OutgoingEmail
from organizers.enums import MembershipStatus
from tests.factories import EditionFactory, EventFactory, MembershipFactory, UserFactory


def change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def decision_url(event: Event, decision: str) -> str:
    return reverse("admin:events_event_decision", args=[event.pk, decision])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def decision_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template="event_decision"))


@pytest.fixture
def scene(db, edition):
    """A submitted event of an organisation with two active members and a pending one."""
    organizer = MembershipFactory(user__email="porteur@bretagne.gouv.fr").user
    organization = organizer.memberships.get().organization
    MembershipFactory(organization=organization, user__email="collegue@bretagne.gouv.fr")
    MembershipFactory(
        organization=organization,
        user__email="en-attente@bretagne.gouv.fr",
        status=MembershipStatus.PENDING,
    )
    event = EventFactory(
        edition=edition,
        organization=organization,
        title="Atelier FALC",
        slug="atelier-falc",
        eligible=True,
    )
    event_submit(event=event, user=organizer)
    OutgoingEmail.objects.all().delete()  # keep only the decision emails in the assertions
    event.refresh_from_db()
    return event


# The event page -------------------------------------------------------------------------------


def test_change_page_offers_the_decisions_of_a_submitted_event(moderator_client, scene):
    content = moderator_client.get(change_url(scene)).content.decode()

    assert "Approuver et publier" in content
    assert "Demander des modifications" in content
    assert "Refuser" in content
    assert "Dépublier" not in content
    assert f"{decision_url(scene, 'refuser')}?version={scene.version}" in content
    # Approving is a link to its confirmation page too: no decision is made in one click.
    assert f"{decision_url(scene, 'approuver')}?version={scene.version}" in content
    assert f'action="{decision_url(scene, "approuver")}' not in content


def test_approving_asks_for_a_confirmation_first(moderator_client, scene):
    page = moderator_client.get(f"{decision_url(scene, 'approuver')}?version={scene.version}")

    content = page.content.decode()
    assert "Confirmez la décision «&nbsp;Approuver et publier&nbsp;»" in content
    assert 'value="Confirmer : approuver et publier"' in content
    scene.refresh_from_db()
    assert scene.status == EventStatus.SUBMITTED


def test_change_page_offers_unpublish_and_cancel_for_a_published_event(moderator_client, scene):
    event_approve(event=scene, user=UserFactory(moderator=True))

    content = moderator_client.get(change_url(scene)).content.decode()

    assert "Dépublier et demander des modifications" in content
    assert "Annuler l&#x27;événement" in content
    assert "Approuver et publier" not in content


def test_decision_page_has_a_labelled_message_field(moderator_client, scene):
    response = moderator_client.get(
        decision_url(scene, "demander-des-modifications"), {"version": 1}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r"<label for=\"id_message\"\s+class=\"required\">\s*Modifications demandées", content
    )
    assert 'aria-describedby="message-help"' in content
    assert 'name="version" value="1"' in content


# Each decision --------------------------------------------------------------------------------


def test_approve_in_one_click_publishes_and_emails_the_organisation(moderator_client, scene):
    response = moderator_client.post(decision_url(scene, "approuver"), {"version": scene.version})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_changelist")
    scene.refresh_from_db()
    assert scene.status == EventStatus.PUBLISHED
    assert messages_of(response) == [
        "« Atelier FALC » est publié. L'organisation en est informée par courriel."
    ]
    (email,) = decision_emails()
    assert email.to == ["collegue@bretagne.gouv.fr", "porteur@bretagne.gouv.fr"]
    assert email.subject == "Votre événement « Atelier FALC » est publié"
    assert "/evenements/atelier-falc/" in email.body_text


def test_approve_with_a_message_passes_it_on(moderator_client, scene):
    moderator_client.post(
        decision_url(scene, "approuver"),
        {"version": scene.version, "message": "Pensez à ajouter le lien d'inscription."},
    )

    (email,) = decision_emails()
    assert "Pensez à ajouter le lien d'inscription." in email.body_text
    assert ModerationLogEntry.objects.filter(
        event=scene, to_status=EventStatus.PUBLISHED, message__startswith="Pensez"
    ).exists()


@pytest.mark.parametrize(
    ("decision", "to_status", "subject"),
    [
        (
            "demander-des-modifications",
            EventStatus.CHANGES_REQUESTED,
            "Des modifications sont demandées sur « Atelier FALC »",
        ),
        ("refuser", EventStatus.REJECTED, "Votre événement « Atelier FALC » n’a pas été retenu"),
    ],
)
def test_decision_with_message_reaches_the_organisation(
    moderator_client, moderator, scene, decision, to_status, subject
):
    response = moderator_client.post(
        decision_url(scene, decision),
        {"version": scene.version, "message": "Précisez l'adresse du lieu."},
    )

    assert response.status_code == 302
    scene.refresh_from_db()
    assert scene.status == to_status
    assert scene.moderation_message == "Précisez l'adresse du lieu."
    entry = scene.moderation_log.last()
    assert (entry.actor, entry.actor_role, entry.from_status, entry.to_status) == (
        moderator,
        "moderator",
        EventStatus.SUBMITTED,
        to_status,
    )
    (email,) = decision_emails()
    assert email.subject == subject
    assert email.to == ["collegue@bretagne.gouv.fr", "porteur@bretagne.gouv.fr"]
    assert "Précisez l'adresse du lieu." in email.body_text
    assert "Précisez l&#x27;adresse du lieu." in email.body_html


@pytest.mark.parametrize("decision", ["demander-des-modifications", "refuser"])
def test_decision_without_message_is_refused_with_a_form_error(moderator_client, scene, decision):
    response = moderator_client.post(
        decision_url(scene, decision), {"version": scene.version, "message": "  "}
    )

    assert response.status_code == 200
    assert "Un message expliquant la décision est obligatoire." in response.content.decode()
    scene.refresh_from_db()
    assert scene.status == EventStatus.SUBMITTED
    assert decision_emails() == []


@pytest.mark.parametrize(
    ("decision", "to_status"),
    [("depublier", EventStatus.CHANGES_REQUESTED), ("annuler", EventStatus.CANCELLED)],
)
def test_decisions_on_a_published_event(moderator_client, scene, decision, to_status):
    event_approve(event=scene, user=UserFactory(moderator=True))
    OutgoingEmail.objects.all().delete()
    scene.refresh_from_db()

    moderator_client.post(
        decision_url(scene, decision),
        {"version": scene.version, "message": "Intervenant indisponible."},
    )

    scene.refresh_from_db()
    assert scene.status == to_status
    (email,) = decision_emails()
    assert "Intervenant indisponible." in email.body_text


def test_decision_impossible_in_current_status_is_an_error_message(moderator_client, scene):
    event_approve(event=scene, user=UserFactory(moderator=True))
    scene.refresh_from_db()

    response = moderator_client.post(
        decision_url(scene, "refuser"), {"version": scene.version, "message": "Hors sujet"}
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(scene)
    assert messages_of(response) == ["Impossible de passer de « Publié » à « Refusé »."]
    scene.refresh_from_db()
    assert scene.status == EventStatus.PUBLISHED


def test_decision_keeps_the_changelist_filters(moderator_client, scene):
    url = decision_url(scene, "approuver") + "?_changelist_filters=status%3Dtous"

    response = moderator_client.post(url, {"version": scene.version})

    assert response["Location"] == reverse("admin:events_event_changelist") + "?status=tous"


def test_staff_without_moderation_permission_cannot_decide(client, scene):
    staff = UserFactory(is_staff=True, email="lecteur@modernisation.gouv.fr")
    staff.groups.clear()
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(staff)

    response = client.post(decision_url(scene, "approuver"), {"version": scene.version})

    assert response.status_code == 403
    scene.refresh_from_db()
    assert scene.status == EventStatus.SUBMITTED
    assert "Approuver et publier" not in client.get(change_url(scene)).content.decode()


def test_unknown_decision_is_a_404(moderator_client, scene):
    assert moderator_client.get(decision_url(scene, "effacer")).status_code == 404


# Two moderators at once -----------------------------------------------------------------------


def test_second_moderator_gets_a_clear_message_not_an_overwrite(client, scene):
    first, second = UserFactory(moderator=True), UserFactory(moderator=True)
    seen_version = scene.version  # both opened the event page
    client.force_login(first)
    client.post(decision_url(scene, "approuver"), {"version": seen_version})
    client.force_login(second)

    response = client.post(
        decision_url(scene, "demander-des-modifications"),
        {"version": seen_version, "message": "Ajoutez le programme."},
        follow=True,
    )

    assert response.redirect_chain[0][0] == change_url(scene)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "a été modifié entre-temps" in message
    assert "« Publié »" in message
    scene.refresh_from_db()
    assert scene.status == EventStatus.PUBLISHED
    assert scene.moderation_log.filter(actor=second).count() == 0
    assert len(decision_emails()) == 1


@pytest.mark.postgres
# Real transactions in threads; serialized_rollback restores the data migrations' rows (the
# moderator group) that the flush after a transactional test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_decisions_only_one_wins():
    """Two moderators deciding in the same instant: the row lock serialises them."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between concurrent connections need PostgreSQL")
    organizer = MembershipFactory().user
    event = EventFactory(
        edition=EditionFactory(referencing_closes_on=datetime.date.today().replace(year=2100)),
        organization=organizer.memberships.get().organization,
        eligible=True,
    )
    event_submit(event=event, user=organizer)
    event.refresh_from_db()
    moderators = [UserFactory(moderator=True), UserFactory(moderator=True)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(index: int) -> None:
        barrier.wait()
        try:
            if index == 0:
                event_approve(
                    event=Event.objects.get(pk=event.pk),
                    user=moderators[0],
                    expected_version=event.version,
                )
            else:
                event_request_changes(
                    event=Event.objects.get(pk=event.pk),
                    user=moderators[1],
                    message="Précisez le lieu.",
                    expected_version=event.version,
                )
            outcomes.append("decided")
        except TransitionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "decided"]
    assert ModerationLogEntry.objects.filter(event=event).count() == 2  # submit + one decision


# History --------------------------------------------------------------------------------------


def test_history_on_the_event_page_is_read_only_and_complete(moderator_client, moderator, scene):
    event_request_changes(event=scene, user=moderator, message="Ajoutez l'horaire.")

    response = moderator_client.get(change_url(scene))

    content = response.content.decode()
    assert "historique de modération" in content.lower()
    assert "porteur@bretagne.gouv.fr" in content  # who submitted
    assert moderator.email in content  # who decided
    assert "Soumis à validation" in content
    assert "Modifications demandées" in content
    assert "Ajoutez l&#x27;horaire." in content
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is ModerationLogEntry
    )
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    assert ModerationLogEntry.objects.filter(event=scene).count() == 2


# Bulk decisions -------------------------------------------------------------------------------


def bulk(client, action: str, events, **data):
    return client.post(
        reverse("admin:events_event_changelist") + "?status=tous",
        {"action": action, "_selected_action": [event.pk for event in events], **data},
    )


def test_bulk_approve_publishes_submitted_events_and_reports_the_others(moderator_client, scene):
    others = [EventFactory(submitted=True, title=f"Visite {n}") for n in range(2)]
    draft = EventFactory(title="Brouillon oublié")

    # First a confirmation page listing the events; nothing is published yet.
    page = bulk(moderator_client, "approve_selected", [scene, *others, draft], index=0)

    assert page.status_code == 200
    content = page.content.decode()
    assert "« Atelier FALC »" in content and "« Brouillon oublié »" in content
    assert 'value="Confirmer l’approbation de ces événements"' in content
    assert not Event.objects.filter(status=EventStatus.PUBLISHED).exists()

    response = bulk(
        moderator_client, "approve_selected", [scene, *others, draft], index=0, apply="1"
    )

    assert response.status_code == 302
    statuses = dict(Event.objects.values_list("title", "status"))
    assert statuses == {
        "Atelier FALC": EventStatus.PUBLISHED,
        "Visite 0": EventStatus.PUBLISHED,
        "Visite 1": EventStatus.PUBLISHED,
        "Brouillon oublié": EventStatus.DRAFT,
    }
    success, error = messages_of(response)
    assert success.startswith("3 événement(s) publié(s).")
    assert "« Brouillon oublié » : Impossible de passer de « Brouillon » à « Publié »." in error
    assert [email.to for email in decision_emails()] == [
        ["collegue@bretagne.gouv.fr", "porteur@bretagne.gouv.fr"]
    ]  # the other events' organisations have no members in this test


def test_bulk_reject_asks_for_one_reason_then_rejects_each_event(moderator_client, scene):
    other = EventFactory(submitted=True, title="Conférence hors sujet")

    page = bulk(moderator_client, "reject_selected", [scene, other], index=0)

    assert page.status_code == 200
    content = page.content.decode()
    assert "« Atelier FALC »" in content and "« Conférence hors sujet »" in content
    assert '<textarea name="message"' in content
    assert content.count('name="_selected_action"') == 2

    missing = bulk(moderator_client, "reject_selected", [scene, other], apply="1", message="")
    assert missing.status_code == 200
    assert "Le motif du refus est obligatoire." in missing.content.decode()
    assert Event.objects.filter(status=EventStatus.REJECTED).count() == 0

    done = bulk(
        moderator_client,
        "reject_selected",
        [scene, other],
        apply="1",
        message="Ces événements ne sont pas ouverts aux agents publics.",
    )
    assert done.status_code == 302
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.REJECTED}
    assert set(ModerationLogEntry.objects.filter(to_status="rejected").values_list("message")) == {
        ("Ces événements ne sont pas ouverts aux agents publics.",)
    }
    (email,) = decision_emails()
    assert "Ces événements ne sont pas ouverts aux agents publics." in email.body_text


# Changed since validation ---------------------------------------------------------------------

CHANGES = [
    {"field": "title", "label": "titre", "before": "Atelier FALC", "after": "Atelier FALC 2.0"},
    {"field": "city", "label": "ville", "before": "Rennes", "after": "Brest"},
]


@pytest.fixture
def changed_event(scene):
    event_approve(event=scene, user=UserFactory(moderator=True))
    Event.objects.filter(pk=scene.pk).update(changed_since_validation=True, changed_fields=CHANGES)
    scene.refresh_from_db()
    return scene


def test_changes_since_validation_shown_field_by_field(moderator_client, changed_event):
    content = moderator_client.get(change_url(changed_event)).content.decode()

    assert "Modifié depuis la validation" in content
    assert '<th scope="row">titre</th>' in content
    assert "<td>Atelier FALC</td>" in content and "<td>Atelier FALC 2.0</td>" in content
    assert "<td>Rennes</td>" in content and "<td>Brest</td>" in content
    assert "Marquer comme revu" in content


def test_mark_reviewed_clears_the_flag_and_the_list(moderator_client, changed_event):
    response = moderator_client.post(
        reverse("admin:events_event_mark_reviewed", args=[changed_event.pk]),
        {"fingerprint": changes_fingerprint(CHANGES)},
    )

    assert response.status_code == 302
    changed_event.refresh_from_db()
    assert not changed_event.changed_since_validation
    assert changed_event.changed_fields == []
    assert changed_event.status == EventStatus.PUBLISHED
    assert messages_of(response) == [
        "Les modifications de « Atelier FALC » sont marquées comme revues."
    ]


def test_mark_reviewed_refused_when_the_organiser_changed_the_event_again(
    moderator_client, changed_event
):
    seen = changes_fingerprint(CHANGES)
    newer = [*CHANGES, {"field": "summary", "label": "résumé", "before": "", "after": "Nouveau"}]
    Event.objects.filter(pk=changed_event.pk).update(changed_fields=newer)

    response = moderator_client.post(
        reverse("admin:events_event_mark_reviewed", args=[changed_event.pk]),
        {"fingerprint": seen},
    )

    assert response["Location"] == change_url(changed_event)
    assert "de nouveau modifié" in messages_of(response)[0]
    changed_event.refresh_from_db()
    assert changed_event.changed_since_validation
    assert changed_event.changed_fields == newer


def test_mark_reviewed_needs_a_post(moderator_client, changed_event):
    url = reverse("admin:events_event_mark_reviewed", args=[changed_event.pk])

    assert moderator_client.get(url).status_code == 405


def test_only_moderators_may_mark_changes_reviewed(changed_event):
    organizer = changed_event.organization.memberships.first().user

    with pytest.raises(PermissionDenied):
        event_mark_reviewed(event=changed_event, user=organizer)

    changed_event.refresh_from_db()
    assert changed_event.changed_since_validation


def test_stale_decision_link_says_at_once_that_the_decision_is_no_longer_possible(
    moderator_client, scene
):
    event_approve(event=scene, user=UserFactory(moderator=True))

    response = moderator_client.get(decision_url(scene, "refuser"))

    assert response.status_code == 302
    assert response["Location"] == change_url(scene)
    assert messages_of(response) == ["Impossible de passer de « Publié » à « Refusé »."]
