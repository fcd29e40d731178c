"""Organisations in the back-office: verification and join requests."""

from django.contrib.messages import get_messages
from django.urls import reverse

from moisinno.models import OutgoingEmail
from organizers.enums import MembershipStatus
from organizers.models import Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_action(client, url_name: str, action: str, objects):
    return client.post(
        reverse(f"admin:{url_name}"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0},
    )


def test_moderator_marks_organisations_verified(moderator_client, db):
    first, second = OrganizationFactory(), OrganizationFactory()
    untouched = OrganizationFactory()

    response = post_action(
        moderator_client, "organizers_organization_changelist", "mark_verified", [first, second]
    )

    assert response.status_code == 302
    assert set(Organization.objects.filter(verified=True)) == {first, second}
    untouched.refresh_from_db()
    assert not untouched.verified
    assert messages_of(response) == ["2 organisation(s) marquée(s) comme vérifiée(s)."]


def test_organisation_list_counts_members_and_pending_requests(moderator_client, db):
    organization = OrganizationFactory(name="Préfecture du Finistère")
    MembershipFactory(organization=organization)
    MembershipFactory(organization=organization, status=MembershipStatus.PENDING)
    MembershipFactory(organization=organization, status=MembershipStatus.PENDING)
    OrganizationFactory(name="Sans demande")

    response = moderator_client.get(
        reverse("admin:organizers_organization_changelist"), {"demandes": "en-attente"}
    )

    (row,) = response.context["cl"].result_list
    assert row == organization
    assert (row.active_count, row.pending_count) == (1, 2)


def test_join_requests_listed_pending_first(moderator_client, db):
    active = MembershipFactory()
    pending = MembershipFactory(status=MembershipStatus.PENDING)

    response = moderator_client.get(reverse("admin:organizers_membership_changelist"))

    assert list(response.context["cl"].result_list) == [pending, active]


def test_moderator_approves_join_requests_and_the_member_is_told(moderator_client, db):
    pending = MembershipFactory(
        status=MembershipStatus.PENDING, user__email="nouvelle@finistere.gouv.fr"
    )
    other = MembershipFactory(status=MembershipStatus.PENDING)

    response = post_action(
        moderator_client, "organizers_membership_changelist", "approve_requests", [pending]
    )

    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE
    assert pending.approved_at is not None
    assert other.status == MembershipStatus.PENDING
    assert messages_of(response) == ["1 demande(s) d'adhésion approuvée(s)."]
    (email,) = OutgoingEmail.objects.filter(template="membership_approved")
    assert email.to == ["nouvelle@finistere.gouv.fr"]


def test_moderator_refuses_join_requests_but_never_removes_members(moderator_client, db):
    pending = MembershipFactory(
        status=MembershipStatus.PENDING, user__email="refusee@finistere.gouv.fr"
    )
    member = MembershipFactory()

    response = post_action(
        moderator_client, "organizers_membership_changelist", "refuse_requests", [pending, member]
    )

    assert list(Membership.objects.all()) == [member]
    assert messages_of(response) == ["1 demande(s) d'adhésion refusée(s)."]
    (email,) = OutgoingEmail.objects.filter(template="membership_declined")
    assert email.to == ["refusee@finistere.gouv.fr"]


def test_membership_user_and_organisation_cannot_be_changed(moderator_client, db):
    membership = MembershipFactory(status=MembershipStatus.PENDING)

    response = moderator_client.get(
        reverse("admin:organizers_membership_change", args=[membership.pk])
    )

    form_fields = response.context["adminform"].form.fields
    assert "user" not in form_fields
    assert "organization" not in form_fields
    assert "status" not in form_fields
