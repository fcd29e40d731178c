"""From the organiser space: say a published event is postponed, rescheduled, online or full
(« Changer l'état »), and delete a draft never submitted."""

import datetime

import pytest
from django.urls import reverse

from events.enums import EventStatus, ScheduleStatus
from events.models import Event, EventSession
from events.services import event_submit, event_withdraw
from tests.factories import EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, event):
    return reverse(f"organizers:{name}", args=[event.pk])


@pytest.fixture
def published(open_edition, organization):
    return EventFactory(
        edition=open_edition, organization=organization, published=True, title="Atelier FALC"
    )


@pytest.fixture
def draft(open_edition, organization):
    return EventFactory(edition=open_edition, organization=organization, title="Brouillon")


def _sessions_post(event, rows):
    existing = list(event.sessions.all())
    data = {
        "sessions-TOTAL_FORMS": str(len(rows)),
        "sessions-INITIAL_FORMS": str(len(existing)),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "30",
    }
    by_id = {session.pk: session for session in existing}
    for index, row in enumerate(rows):
        if row.get("id") in by_id:  # the page shows each session's place, posted back as is
            session = by_id[row["id"]]
            row = {
                "attendance_mode": session.attendance_mode,
                "venue_name": session.venue_name,
                "address": session.address,
                "postal_code": session.postal_code,
                "city": session.city,
                "department": session.department,
                **row,
            }
        for key, value in row.items():
            data[f"sessions-{index}-{key}"] = value
    return data


def test_the_dashboard_offers_the_state_change_of_a_published_event(member_client, published):
    html = member_client.get(reverse("organizers:dashboard")).content.decode()

    assert url("event_schedule", published) in html


def test_postponing_needs_a_message_and_keeps_what_was_typed(member_client, published):
    response = member_client.post(
        url("event_schedule", published),
        {"schedule_status": "postponed", "message": "", **_sessions_post(published, [])},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Écrivez le message affiché sur la page de l’événement." in html
    assert 'value="postponed" id="id_schedule_status_3" required checked' in html
    published.refresh_from_db()
    assert published.schedule_status == ScheduleStatus.SCHEDULED


def test_an_organiser_postpones_and_the_public_page_says_so(member_client, published, client):
    session = published.sessions.get()
    response = member_client.post(
        url("event_schedule", published),
        {
            "schedule_status": "postponed",
            "message": "Reporté à cause des travaux de la salle.",
            **_sessions_post(
                published,
                [{"id": session.pk, "date": session.date.isoformat(), "start_time": "10:00"}],
            ),
        },
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.schedule_status == ScheduleStatus.POSTPONED
    assert published.sessions.get().pk == session.pk  # the dates are not touched
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Cet événement est reporté" in page
    assert "Reporté à cause des travaux de la salle." in page


def test_rescheduling_replaces_the_sessions(member_client, published):
    session = published.sessions.get()
    new_day = session.date + datetime.timedelta(days=7)

    response = member_client.post(
        url("event_schedule", published),
        {
            "schedule_status": "rescheduled",
            "message": "Une semaine plus tard, même horaire.",
            **_sessions_post(
                published,
                [
                    {
                        "id": session.pk,
                        "date": new_day.isoformat(),
                        "start_time": "10:00",
                        "end_time": "12:00",
                    }
                ],
            ),
        },
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.schedule_status == ScheduleStatus.RESCHEDULED
    assert [s.date for s in published.sessions.all()] == [new_day]
    assert published.starts_on == new_day
    assert published.changed_since_validation


def test_rescheduling_without_new_dates_says_so(member_client, published):
    session = published.sessions.get()

    response = member_client.post(
        url("event_schedule", published),
        {
            "schedule_status": "rescheduled",
            "message": "Reprogrammé.",
            **_sessions_post(
                published,
                [
                    {
                        "id": session.pk,
                        "date": session.date.isoformat(),
                        "start_time": "10:00",
                        "end_time": "12:00",
                    }
                ],
            ),
        },
    )

    assert response.status_code == 200
    assert "Les dates n’ont pas changé" in response.content.decode()
    published.refresh_from_db()
    assert published.schedule_status == ScheduleStatus.SCHEDULED


def test_the_state_of_a_draft_cannot_be_changed(member_client, draft):
    response = member_client.get(url("event_schedule", draft))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.schedule_status == ScheduleStatus.SCHEDULED


def test_another_organisations_event_is_a_404(member_client, open_edition):
    other = EventFactory(
        edition=open_edition, organization=MembershipFactory().organization, published=True
    )

    assert member_client.get(url("event_schedule", other)).status_code == 404
    assert (
        member_client.post(
            url("event_schedule", other), {"schedule_status": "full", "message": "x"}
        ).status_code
        == 404
    )
    assert member_client.post(url("event_delete", other)).status_code == 404


# Deleting a draft -----------------------------------------------------------------------------


def test_a_draft_never_submitted_is_deleted_after_confirmation(member_client, draft):
    dashboard = member_client.get(reverse("organizers:dashboard")).content.decode()
    assert url("event_delete", draft) in dashboard

    confirmation = member_client.get(url("event_delete", draft))
    assert confirmation.status_code == 200
    assert "Supprimer le brouillon « Brouillon »" in confirmation.content.decode()
    assert Event.objects.filter(pk=draft.pk).exists()  # nothing happens on GET

    response = member_client.post(url("event_delete", draft), follow=True)

    assert "Le brouillon « Brouillon » est supprimé." in response.content.decode()
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert not EventSession.objects.filter(event_id=draft.pk).exists()


def test_a_draft_withdrawn_after_submission_is_not_deleted(
    member_client, member, open_edition, organization
):
    event = EventFactory(
        edition=open_edition,
        organization=organization,
        eligible=True,
        starts_on=open_edition.start_date + datetime.timedelta(days=3),
    )
    event_submit(event=event, user=member)
    event_withdraw(event=event, user=member)
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT

    assert (
        url("event_delete", event)
        not in member_client.get(reverse("organizers:dashboard")).content.decode()
    )
    response = member_client.post(url("event_delete", event), follow=True)

    assert "seul un brouillon jamais soumis peut l’être" in response.content.decode()
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("status", [EventStatus.SUBMITTED, EventStatus.PUBLISHED])
def test_a_submitted_or_published_event_is_not_deleted(member_client, draft, status):
    Event.objects.filter(pk=draft.pk).update(status=status)

    response = member_client.post(url("event_delete", draft), follow=True)

    assert "ne peut pas être supprimé" in response.content.decode()
    assert Event.objects.filter(pk=draft.pk).exists()
