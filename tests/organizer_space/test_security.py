"""Ownership (404 for anything of another organisation), CSRF, escaping, no self-publishing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from events.enums import EventStatus
from events.models import Event
from events.services import TransitionNotAllowed, event_transition
from organizer_space.urls import urlpatterns
from organizers.enums import MembershipRole, MembershipStatus
from organizers.models import Membership
from tests.factories import EventFactory, MembershipFactory, UserFactory
from tests.organizer_space.forms import complete_event_fields, event_form_data

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
]
EVENT_ACTIONS = [
    "event_update",
    "event_preview",
    "event_submit",
    "event_resubmit",
    "event_withdraw",
    "event_cancel",
    "event_duplicate",
]


@pytest.fixture
def others(open_edition):
    """Another organisation, with a member, a pending request and events in every status."""
    membership = MembershipFactory()
    organization = membership.organization
    pending = MembershipFactory(
        organization=organization, status=MembershipStatus.PENDING, role=MembershipRole.MEMBER
    )
    events = {
        status: EventFactory(edition=open_edition, organization=organization, status=status)
        for status in EventStatus.values
    }
    return {"organization": organization, "member": membership, "pending": pending, **events}


@pytest.mark.parametrize("name", EVENT_ACTIONS)
@pytest.mark.parametrize("status", EventStatus.values)
@pytest.mark.parametrize("method", ["get", "post"])
def test_event_views_are_404_for_another_organisations_event(
    member_client, others, name, status, method
):
    event = others[status]
    before = (event.status, event.title, Event.objects.count())

    response = getattr(member_client, method)(reverse(f"organizers:{name}", args=[event.pk]))

    assert response.status_code == 404
    event.refresh_from_db()
    assert (event.status, event.title, Event.objects.count()) == before


@pytest.mark.parametrize(
    "name", ["organization_members", "organization_leave"], ids=["members", "leave"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_organisation_views_are_404_for_another_organisation(member_client, others, name, method):
    organization = others["organization"]

    response = getattr(member_client, method)(
        reverse(f"organizers:{name}", args=[organization.slug])
    )

    assert response.status_code == 404
    assert organization.memberships.count() == 2


@pytest.mark.parametrize("name", ["membership_approve", "membership_decline", "membership_remove"])
def test_membership_actions_are_404_for_another_organisations_members(
    member_client, organization, others, name
):
    pending = others["pending"]

    # Through the other organisation's address…
    other_slug = reverse(f"organizers:{name}", args=[others["organization"].slug, pending.pk])
    # … or through one's own organisation's address with the other's membership.
    own_slug = reverse(f"organizers:{name}", args=[organization.slug, pending.pk])

    assert member_client.post(other_slug).status_code == 404
    assert member_client.post(own_slug).status_code == 404
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING


def test_membership_cancel_is_404_for_someone_elses_request(member_client, others):
    pending = others["pending"]

    response = member_client.post(reverse("organizers:membership_cancel", args=[pending.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=pending.pk).exists()


def test_event_create_is_404_for_another_organisation(member_client, others):
    url = reverse("organizers:event_create") + f"?organisation={others['organization'].slug}"

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, event_form_data(title="Intrus")).status_code == 404
    assert not Event.objects.filter(title="Intrus").exists()


def test_pending_member_has_no_access_to_the_organisations_events(client, others):
    client.force_login(others["pending"].user)
    event = others[EventStatus.DRAFT]

    assert client.get(reverse("organizers:event_update", args=[event.pk])).status_code == 404
    members = reverse("organizers:organization_members", args=[others["organization"].slug])
    assert client.get(members).status_code == 404


def test_dashboard_never_lists_another_organisations_events(member_client, others):
    html = member_client.get(reverse("organizers:dashboard")).content.decode()

    for status in EventStatus.values:
        assert others[status].title not in html


@pytest.mark.parametrize(
    "url",
    [
        reverse("organizers:dashboard"),
        reverse("organizers:organization_create"),
        reverse("organizers:organization_join"),
        reverse("organizers:event_create"),
        reverse("organizers:event_update", args=[1]),
        reverse("organizers:organization_members", args=["organisation-0"]),
    ],
)
def test_organiser_space_requires_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_csrf_is_enforced_on_the_organiser_space(member, open_edition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("organizers:event_create"), event_form_data(title="Sans jeton"))

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_organiser_cannot_publish_their_own_event(
    member, member_client, organization, open_edition
):
    event = EventFactory(edition=open_edition, organization=organization, submitted=True)

    with pytest.raises(TransitionNotAllowed):
        event_transition(event=event, to_status=EventStatus.PUBLISHED, user=member)

    # Nor by slipping a status into the event form.
    draft = EventFactory(edition=open_edition, organization=organization)
    member_client.post(
        reverse("organizers:event_update", args=[draft.pk]),
        event_form_data(title="Publié ?", status="published", changed_since_validation=""),
    )
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


def test_organiser_urls_offer_no_way_to_publish():
    names = {pattern.name for pattern in urlpatterns}
    assert not {name for name in names if "publish" in name or name == "event_approve"}


def assert_inert(html: str, payload: str, page: str) -> None:
    assert payload not in html, page
    for dangerous in ("<script>al", "<img src=x", "<svg onload"):
        assert dangerous not in html, page


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_text_fields_are_stored_as_typed_and_rendered_inert(
    member_client, member, organization, open_edition, atelier, payload
):
    text_fields = [
        "title",
        "summary",
        "description",
        "venue_name",
        "address",
        "postal_code",
        "city",
        "public_contact_name",
        "private_contact_name",
        "private_contact_phone",
        "derogation_justification",
    ]
    day = open_edition.start_date + datetime.timedelta(days=3)
    data = event_form_data(
        sessions=[{"date": day.isoformat(), "start_time": "10:00", "end_time": "12:00"}],
        **complete_event_fields(format_pk=atelier.pk),
    )
    data.update({name: payload[: 10 if name == "postal_code" else 30] for name in text_fields})
    data["derogation_requested"] = "on"

    response = member_client.post(reverse("organizers:event_create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.title == payload  # stored harmlessly, as typed
    assert event.description == payload
    event.status = EventStatus.PUBLISHED  # as DITP would, to check the public page too
    event.save()
    pages = [
        reverse("organizers:dashboard"),
        reverse("organizers:event_preview", args=[event.pk]),
        reverse("organizers:event_update", args=[event.pk]),
        reverse("organizers:event_cancel", args=[event.pk]),
        event.get_absolute_url(),
    ]
    for page in pages:
        html = member_client.get(page).content.decode()
        assert_inert(html, payload, page)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_organisation_and_messages_are_rendered_inert(client, open_edition, payload):
    user = UserFactory(email="agent@example.gouv.fr")
    client.force_login(user)
    client.post(
        reverse("organizers:organization_create"),
        {"name": payload, "kind": "association", "description": payload},
    )
    organization = user.memberships.get().organization
    assert organization.name == " ".join(payload.split())
    requester = UserFactory()
    MembershipFactory(user=requester, organization=organization, status="pending")
    event = EventFactory(edition=open_edition, organization=organization, published=True)
    client.post(reverse("organizers:event_cancel", args=[event.pk]), {"reason": payload})
    event.refresh_from_db()
    assert event.moderation_message == payload

    for page, params in [
        (reverse("organizers:dashboard"), {}),
        (reverse("organizers:organization_members", args=[organization.slug]), {}),
        (reverse("organizers:organization_join"), {"q": payload}),
        (event.get_absolute_url(), {}),
        (organization.get_absolute_url(), {}),
    ]:
        html = client.get(page, params).content.decode()
        assert_inert(html, payload, page)
