"""The state of a published event (« Reporté », « Reprogrammé », « Passé en ligne »,
« Complet »): who may set it, what it needs, and how every public page, calendar and export
shows it (events/schedule.py)."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.enums import EventStatus, ScheduleStatus
from events.models import Event, EventSession, ModerationLogEntry
from events.schedule import ScheduleStatusError, event_set_schedule_status
from events.services import TransitionConflict, event_cancel
from moisinno.models import OutgoingEmail
from moisinno.pagecache import public_content_version
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTPONED_MESSAGE = "La salle est indisponible : nouvelles dates annoncées bientôt."


@pytest.fixture
def event(edition, organizer):
    return EventFactory(
        edition=edition,
        organization=organizer.memberships.get().organization,
        published=True,
        title="Atelier des usagers",
        slug="atelier-usagers",
        capacity=30,
    )


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def _json_ld(html):
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


# The one door: who, what, on which event -------------------------------------------------------


def test_an_organiser_postpones_their_published_event_with_a_message(event, organizer):
    version = event.version

    event_set_schedule_status(
        event=event,
        user=organizer,
        schedule_status=ScheduleStatus.POSTPONED,
        message=POSTPONED_MESSAGE,
    )

    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.schedule_status == ScheduleStatus.POSTPONED
    assert event.schedule_message == POSTPONED_MESSAGE
    assert event.schedule_changed_at is not None
    assert event.version == version + 1
    entry = ModerationLogEntry.objects.get(event=event, kind=ModerationLogEntry.SCHEDULE)
    assert (entry.actor, entry.actor_role, entry.message) == (
        organizer,
        "organizer",
        POSTPONED_MESSAGE,
    )
    assert entry.changes[0] == {
        "field": "schedule_status",
        "label": "État",
        "before": "Programmé",
        "after": "Reporté",
    }


def test_the_message_is_required(event, organizer):
    with pytest.raises(ScheduleStatusError, match="message expliquant le changement"):
        event_set_schedule_status(
            event=event, user=organizer, schedule_status=ScheduleStatus.FULL, message="   "
        )
    event.refresh_from_db()
    assert event.schedule_status == ScheduleStatus.SCHEDULED


@pytest.mark.parametrize(
    "status", [EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.CANCELLED]
)
def test_only_a_published_event_changes_state(event, organizer, status):
    Event.objects.filter(pk=event.pk).update(status=status)
    event.refresh_from_db()

    with pytest.raises(ScheduleStatusError, match="Seul un événement publié"):
        event_set_schedule_status(
            event=event, user=organizer, schedule_status=ScheduleStatus.FULL, message="Complet."
        )


def test_another_organisation_and_anonymous_users_may_not(event):
    stranger = MembershipFactory().user
    for user in (stranger, UserFactory()):
        with pytest.raises(ScheduleStatusError, match="pas le droit"):
            event_set_schedule_status(
                event=event, user=user, schedule_status=ScheduleStatus.FULL, message="Complet."
            )
    assert not ModerationLogEntry.objects.filter(event=event).exists()


def test_a_moderator_may_and_the_organisers_are_told(event, moderator, organizer):
    event_set_schedule_status(
        event=event,
        user=moderator,
        schedule_status=ScheduleStatus.MOVED_ONLINE,
        message="Grève des transports : l’atelier a lieu en visioconférence.",
    )

    email = OutgoingEmail.objects.get(template="event_schedule_changed")
    assert email.to == [organizer.email]
    assert "Passé en ligne" in email.subject
    assert "visioconférence" in email.body_text


def test_an_organisers_change_alerts_the_ditp(event, organizer):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")

    event_set_schedule_status(
        event=event, user=organizer, schedule_status=ScheduleStatus.FULL, message="Plus de place."
    )

    email = OutgoingEmail.objects.get(template="event_schedule_changed_alert")
    assert email.to == ["moderation@modernisation.gouv.fr"]
    assert "Complet" in email.subject


def test_a_stale_version_is_refused(event, organizer):
    with pytest.raises(TransitionConflict):
        event_set_schedule_status(
            event=event,
            user=organizer,
            schedule_status=ScheduleStatus.FULL,
            message="Complet.",
            expected_version=event.version - 1,
        )


def test_rescheduling_applies_the_new_sessions_and_asks_the_ditp_to_reread(event, organizer):
    new_day = event.starts_on + datetime.timedelta(days=5)

    event_set_schedule_status(
        event=event,
        user=organizer,
        schedule_status=ScheduleStatus.RESCHEDULED,
        message="Déplacé d’une semaine.",
        sessions=[{"date": new_day, "start_time": datetime.time(14), "end_time": None}],
    )

    event.refresh_from_db()
    assert [s.date for s in event.sessions.all()] == [new_day]
    assert (event.starts_on, event.ends_on) == (new_day, new_day)
    assert event.changed_since_validation
    assert [c["field"] for c in event.changed_fields] == ["sessions"]
    entry = ModerationLogEntry.objects.get(event=event, kind=ModerationLogEntry.SCHEDULE)
    assert [c["field"] for c in entry.changes] == ["schedule_status", "sessions"]


def test_rescheduling_to_the_same_dates_is_refused(event, organizer):
    same = [
        {"date": s.date, "start_time": s.start_time, "end_time": s.end_time}
        for s in event.sessions.all()
    ]
    with pytest.raises(ScheduleStatusError, match="Les dates n’ont pas changé"):
        event_set_schedule_status(
            event=event,
            user=organizer,
            schedule_status=ScheduleStatus.RESCHEDULED,
            message="Reprogrammé.",
            sessions=same,
        )


# What the public sees --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "label", "badge", "schema", "ical", "openagenda"),
    [
        (ScheduleStatus.POSTPONED, "Reporté", "warning", "EventPostponed", "TENTATIVE", "4"),
        (ScheduleStatus.RESCHEDULED, "Reprogrammé", "info", "EventRescheduled", "CONFIRMED", "2"),
        (
            ScheduleStatus.MOVED_ONLINE,
            "Passé en ligne",
            "info",
            "EventMovedOnline",
            "CONFIRMED",
            "3",
        ),
        (ScheduleStatus.FULL, "Complet", "warning", "EventScheduled", "CONFIRMED", "5"),
    ],
)
def test_every_page_calendar_and_export_shows_the_state(
    client, event, moderator, state, label, badge, schema, ical, openagenda
):
    message = f"Message public : {label}."
    event_set_schedule_status(event=event, user=moderator, schedule_status=state, message=message)

    _response, card_page = _page(client, "/programme/")
    assert f'<p class="fr-badge fr-badge--{badge} fr-badge--sm">{label}</p>' in card_page

    _response, page = _page(client, "/evenements/atelier-usagers/")
    assert f'<p class="fr-badge fr-badge--{badge}">{label}</p>' in page
    assert "fr-alert" in page and message in page
    assert _json_ld(page)["eventStatus"] == f"https://schema.org/{schema}"

    _response, ics = _page(client, "/evenements/atelier-usagers/calendrier.ics")
    (vevent,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["STATUS"]) == ical
    assert int(vevent["SEQUENCE"]) == Event.objects.get(pk=event.pk).version

    _response, api = _page(client, "/api/v1/events/atelier-usagers/")
    document = json.loads(api)
    assert (document["event_status"], document["openagenda_status"]) == (
        state.value,
        int(openagenda),
    )
    assert document["event_status_message"] == message

    _response, text = _page(client, "/programme.csv")
    (row,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    assert (row["event_status"], row["openagenda_status"]) == (state.value, openagenda)
    assert row["event_status_message"] == message


def test_a_cancelled_event_is_annule_everywhere(client, event, organizer):
    event_cancel(event=event, user=organizer, message="Intervenant malade.")

    _response, page = _page(client, "/evenements/atelier-usagers/")
    assert _json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"
    assert "Intervenant malade." in page
    document = json.loads(_page(client, "/api/v1/events/atelier-usagers/")[1])
    assert (document["event_status"], document["openagenda_status"]) == ("cancelled", 6)
    _response, ics = _page(client, "/evenements/atelier-usagers/calendrier.ics")
    (vevent,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_a_scheduled_event_says_scheduled_and_shows_no_state_badge(client, event):
    _response, page = _page(client, "/evenements/atelier-usagers/")

    assert _json_ld(page)["eventStatus"] == "https://schema.org/EventScheduled"
    assert "fr-alert" not in page
    document = json.loads(_page(client, "/api/v1/events/atelier-usagers/")[1])
    assert (document["event_status"], document["openagenda_status"]) == ("scheduled", 1)


def test_subscribed_calendars_and_cached_pages_see_the_change_at_once(client, event, organizer):
    _response, before_ics = _page(client, "/programme.ics")
    _page(client, "/evenements/atelier-usagers/")
    cached, _html = _page(client, "/evenements/atelier-usagers/")
    assert cached["X-Cache"] == "hit"
    (old,) = Calendar.from_ical(before_ics).walk("VEVENT")
    version = public_content_version()

    event_set_schedule_status(
        event=event, user=organizer, schedule_status=ScheduleStatus.POSTPONED, message="Reporté."
    )

    assert public_content_version() > version
    response, page = _page(client, "/evenements/atelier-usagers/")
    assert response["X-Cache"] == "miss"
    assert "Cet événement est reporté" in page
    _response, after_ics = _page(client, "/programme.ics")
    (new,) = Calendar.from_ical(after_ics).walk("VEVENT")
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert str(new["STATUS"]) == "TENTATIVE"
    assert new["SUMMARY"].startswith("Reporté")
    assert new["LAST-MODIFIED"].dt >= old["LAST-MODIFIED"].dt
    assert new["DTSTAMP"].dt >= old["DTSTAMP"].dt


def test_the_programme_filters_by_state_in_pages_and_feeds(client, edition, event, moderator):
    full = EventFactory(edition=edition, published=True, title="Complet", slug="complet")
    postponed = EventFactory(edition=edition, published=True, title="Reporté", slug="reporte")
    EventFactory(edition=edition, status=EventStatus.CANCELLED, slug="annule")
    for one, state in ((full, ScheduleStatus.FULL), (postponed, ScheduleStatus.POSTPONED)):
        event_set_schedule_status(event=one, user=moderator, schedule_status=state, message="…")

    def slugs(query):
        document = json.loads(_page(client, f"/api/v1/events/?{query}")[1])
        return {e["slug"] for e in document["results"]}

    assert slugs("etat=full") == {"complet"}
    assert slugs("etat=postponed&etat=cancelled") == {"reporte", "annule"}
    assert slugs("etat=scheduled") == {"atelier-usagers"}
    assert slugs("inscription_ouverte=1") == {"atelier-usagers"}
    _response, page = _page(client, "/programme/?etat=full")
    assert "/evenements/complet/" in page and "/evenements/atelier-usagers/" not in page
    assert "État de l’événement" in page
    _response, bad = _page(client, "/programme/?etat=inconnu")
    assert "État de l’événement" in bad and "/evenements/atelier-usagers/" in bad


def test_states_cost_no_query_on_the_programme(client, edition, moderator):
    first = EventFactory(edition=edition, published=True)
    _page(client, "/programme/?tri=date&_=1")
    with CaptureQueriesContext(connection) as one:
        _page(client, "/programme/?tri=date&_=2")
    for n in range(5):
        other = EventFactory(edition=edition, published=True, slug=f"autre-{n}")
        event_set_schedule_status(
            event=other, user=moderator, schedule_status=ScheduleStatus.FULL, message="Complet."
        )
    event_set_schedule_status(
        event=first, user=moderator, schedule_status=ScheduleStatus.POSTPONED, message="Reporté."
    )
    _page(client, "/programme/?tri=date&_=3")  # the menus, kept per public-content version
    with CaptureQueriesContext(connection) as many:
        _page(client, "/programme/?tri=date&_=4")
    assert len(many) == len(one)


# The back office ----------------------------------------------------------------------------


def test_a_moderator_sets_the_state_in_the_admin(client, event, moderator):
    client.force_login(moderator)
    change = f"/admin/events/event/{event.pk}/change/"
    assert f"/admin/events/event/{event.pk}/etat/" in client.get(change).content.decode()

    refused = client.post(
        f"/admin/events/event/{event.pk}/etat/",
        {"schedule_status": "postponed", "message": "", "version": event.version},
    )
    assert refused.status_code == 200
    assert "Un message expliquant le changement est obligatoire." in refused.content.decode()

    response = client.post(
        f"/admin/events/event/{event.pk}/etat/",
        {
            "schedule_status": "postponed",
            "message": "Reporté au printemps.",
            "version": event.version,
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.schedule_status == ScheduleStatus.POSTPONED
    assert ModerationLogEntry.objects.get(event=event, kind="schedule").actor == moderator


def test_the_admin_refuses_the_state_of_an_unpublished_event(client, edition, moderator):
    draft = EventFactory(edition=edition)
    client.force_login(moderator)

    response = client.post(
        f"/admin/events/event/{draft.pk}/etat/",
        {"schedule_status": "full", "message": "Complet.", "version": draft.version},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.schedule_status == ScheduleStatus.SCHEDULED


def test_sessions_of_a_moderators_rescheduling_stay_as_edited(event, moderator):
    EventSession.objects.filter(event=event).update(date=event.starts_on + datetime.timedelta(1))

    event_set_schedule_status(
        event=event, user=moderator, schedule_status=ScheduleStatus.RESCHEDULED, message="Décalé."
    )

    event.refresh_from_db()
    assert event.schedule_status == ScheduleStatus.RESCHEDULED
    assert not event.changed_since_validation
