"""Regional relays: moderators limited to some regions (and the online events assigned to
them). Their queue, decisions, bulk actions, reports and history reach only those events; the
rest answers 404, as for organisers. National moderators see everything."""

import pytest
from django.urls import reverse

from events.enums import EventStatus
from events.models import EventReport, ModerationLogEntry
from events.services import TransitionNotAllowed, event_approve, event_submit
from moisinno.models import OutgoingEmail, RegionalRelay
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay(db):
    user = UserFactory(moderator=True, email="sgar@bretagne.gouv.fr")
    RegionalRelay.objects.create(user=user, regions=["53"])
    return user


@pytest.fixture
def events(edition, relay):
    return {
        "bretagne": EventFactory(edition=edition, submitted=True, title="Atelier à Rennes"),
        "idf": EventFactory(
            edition=edition,
            submitted=True,
            title="Atelier à Paris",
            department="75",
            region="11",
            city="Paris",
        ),
        "online": EventFactory(edition=edition, submitted=True, online=True, title="Webinaire"),
        "assigned": EventFactory(
            edition=edition,
            submitted=True,
            online=True,
            title="Webinaire confié",
            assigned_relay=relay,
        ),
    }


def test_the_relay_queue_lists_only_its_regions_and_assigned_events(client, relay, events):
    client.force_login(relay)

    page = client.get(reverse("admin:events_event_changelist")).content.decode()

    assert "Atelier à Rennes" in page and "Webinaire confié" in page
    assert "Atelier à Paris" not in page and ">Webinaire<" not in page


def test_a_national_moderator_sees_everything(client, moderator, events):
    client.force_login(moderator)

    page = client.get(reverse("admin:events_event_changelist")).content.decode()

    for event in events.values():
        assert event.title in page
    assert ">Webinaire<" in page  # the unassigned online event, as the relay tests read it


@pytest.mark.parametrize("key", ["idf", "online"])
def test_events_outside_the_relay_answer_404(client, relay, events, key):
    event = events[key]
    client.force_login(relay)

    urls = [
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_history", args=[event.pk]),
        reverse("admin:events_event_decision", args=[event.pk, "approuver"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[2], {"message": "", "version": event.version}).status_code == 404
    assert (
        client.post(reverse("admin:events_event_mark_reviewed", args=[event.pk])).status_code == 404
    )
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED


def test_the_relay_decides_on_its_events(client, relay, events):
    client.force_login(relay)
    event = events["bretagne"]

    response = client.post(
        reverse("admin:events_event_decision", args=[event.pk, "approuver"]),
        {"message": "", "version": event.version},
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_bulk_actions_never_reach_other_regions(client, relay, events):
    client.force_login(relay)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [e.pk for e in events.values()],
            "index": 0,
            "apply": "1",  # the confirmation page's button
        },
    )

    assert response.status_code == 302
    statuses = {key: type(e).objects.get(pk=e.pk).status for key, e in events.items()}
    assert statuses == {
        "bretagne": EventStatus.PUBLISHED,
        "assigned": EventStatus.PUBLISHED,
        "idf": EventStatus.SUBMITTED,
        "online": EventStatus.SUBMITTED,
    }


def test_the_one_door_refuses_a_relay_outside_its_regions(relay, events):
    with pytest.raises(TransitionNotAllowed):
        event_approve(event=events["idf"], user=relay)
    event_approve(event=events["bretagne"], user=relay)


def test_reports_and_history_are_limited_too(client, relay, events, moderator):
    for event in (events["bretagne"], events["idf"]):
        event.status = EventStatus.PUBLISHED
        event.save()
        EventReport.objects.create(event=event, kind="date", message="Mauvaise date")
    event_approve(event=events["assigned"], user=moderator)
    event_approve(event=events["online"], user=moderator)
    client.force_login(relay)

    reports = client.get(reverse("admin:events_eventreport_changelist")).content.decode()
    assert "Atelier à Rennes" in reports and "Atelier à Paris" not in reports
    other = EventReport.objects.get(event=events["idf"])
    assert (
        client.get(reverse("admin:events_eventreport_change", args=[other.pk])).status_code == 404
    )
    log = client.get(reverse("admin:events_moderationlogentry_changelist")).content.decode()
    assert "Webinaire confié" in log and ">Webinaire<" not in log
    assert ModerationLogEntry.objects.count() == 2


def test_submission_alerts_go_to_the_relays_of_the_region(relay, edition, moderator):
    membership = MembershipFactory()
    in_idf = EventFactory(
        edition=edition,
        organization=membership.organization,
        eligible=True,
        department="75",
        region="11",
    )
    in_bretagne = EventFactory(edition=edition, organization=membership.organization, eligible=True)

    event_submit(event=in_idf, user=membership.user)
    event_submit(event=in_bretagne, user=membership.user)

    alerts = list(OutgoingEmail.objects.filter(template="event_submitted_alert").order_by("pk"))
    assert alerts[0].to == [moderator.email]
    assert alerts[1].to == sorted([moderator.email, relay.email])


def test_only_superusers_manage_relays_and_only_national_ditp_assigns(
    client, relay, moderator, events
):
    client.force_login(moderator)
    assert client.get(reverse("admin:moisinno_regionalrelay_changelist")).status_code == 403
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:moisinno_regionalrelay_add"),
        {"user": moderator.pk, "regions": ["11", "24"]},
    )
    assert response.status_code == 302
    assert RegionalRelay.objects.get(user=moderator).regions == ["11", "24"]
    # A staff account made a relay joins the moderators' group (a relay is a moderator).
    staff = UserFactory(is_staff=True, is_superuser=False, email="coordination@lab.gouv.fr")
    staff.groups.clear()
    client.post(reverse("admin:moisinno_regionalrelay_add"), {"user": staff.pk, "regions": ["53"]})
    assert staff.groups.filter(name="Modérateur DITP").exists()
    other = UserFactory(is_staff=True, email="sgar@normandie.gouv.fr")
    refused = client.post(
        reverse("admin:moisinno_regionalrelay_add"), {"user": other.pk, "regions": []}
    )
    assert refused.status_code == 200
    assert "Cochez au moins une région." in refused.content.decode()

    client.force_login(relay)
    page = client.get(
        reverse("admin:events_event_change", args=[events["assigned"].pk])
    ).content.decode()
    assert 'name="assigned_relay"' not in page
