"""Creating, joining and leaving an organisation; members and their roles."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from moisinno.models import OutgoingEmail
from organizers.enums import MembershipRole, MembershipStatus, OrganizationKind
from organizers.models import Membership, Organization
from organizers.services import (
    MembershipError,
    membership_approve,
    membership_leave,
    membership_remove,
    membership_request,
)
from tests.factories import EventFactory, MembershipFactory, OrganizationFactory, UserFactory

CREATE_URL = reverse("organizers:organization_create")
JOIN_URL = reverse("organizers:organization_join")


def members_url(organization, *parts):
    return reverse(f"organizers:{parts[0]}", args=[organization.slug, *parts[1:]])


@pytest.fixture
def newcomer_client(client, db):
    user = UserFactory(email="nouvelle@bretagne.gouv.fr")
    client.force_login(user)
    client.user = user
    return client


def test_organization_create_makes_the_creator_its_admin(newcomer_client):
    response = newcomer_client.post(
        CREATE_URL,
        {
            "name": "  Préfecture   d’Ille-et-Vilaine ",
            "kind": OrganizationKind.STATE_DECONCENTRATED,
            "region": "",
            "department": "35",
            "website": "https://www.ille-et-vilaine.gouv.fr",
            "description": "Services de l’État en Ille-et-Vilaine.",
        },
    )

    assert response["Location"] == reverse("organizers:dashboard")
    organization = Organization.objects.get()
    assert organization.name == "Préfecture d’Ille-et-Vilaine"
    assert (organization.department, organization.region) == ("35", "53")
    membership = organization.memberships.get()
    assert (membership.user, membership.role, membership.status) == (
        newcomer_client.user,
        MembershipRole.ADMIN,
        MembershipStatus.ACTIVE,
    )


def test_organization_create_errors_are_tied_and_summarised(newcomer_client):
    OrganizationFactory(name="Ville de Rennes")

    response = newcomer_client.post(
        CREATE_URL,
        {"name": "ville de rennes", "kind": "", "region": "11", "department": "35"},
    )

    html = response.content.decode()
    assert "Erreur\u00a0: Créer votre organisation" in html
    assert (
        "L’organisation «\u00a0Ville de Rennes\u00a0» existe déjà\u00a0: "
        "demandez plutôt à la rejoindre." in html
    )
    assert "Ce département n’appartient pas à la région choisie." in html
    for input_id in ("id_name", "id_kind", "id_department"):
        assert f'aria-describedby="{input_id}-desc-error"' in html
        assert f'href="#{input_id}"' in html
    assert 'value="ville de rennes"' in html
    assert Organization.objects.count() == 1


def test_organization_join_search_ignores_case_and_accents(newcomer_client):
    prefecture = OrganizationFactory(name="Préfecture de la région Bretagne")
    OrganizationFactory(name="Ville de Rennes")

    response = newcomer_client.get(JOIN_URL, {"q": "prefecture BRETAGNE"})

    html = response.content.decode()
    assert "1 organisation trouvée" in html
    assert prefecture.name in html
    assert "Ville de Rennes" not in html


def test_organization_join_request_notifies_active_members(newcomer_client, membership):
    MembershipFactory(organization=membership.organization, status=MembershipStatus.PENDING)

    response = newcomer_client.post(JOIN_URL, {"organization": membership.organization.pk})

    assert response["Location"] == reverse("organizers:dashboard")
    request = Membership.objects.get(user=newcomer_client.user)
    assert (request.status, request.role) == (MembershipStatus.PENDING, MembershipRole.MEMBER)
    email = OutgoingEmail.objects.get(template="membership_requested")
    assert email.to == ["agent@bretagne.gouv.fr"]  # active members only
    assert "nouvelle@bretagne.gouv.fr demande à rejoindre" in email.subject
    assert members_url(membership.organization, "organization_members") in email.body_text
    dashboard = newcomer_client.get(reverse("organizers:dashboard")).content.decode()
    assert "Vos demandes en attente" in dashboard


def test_organization_join_request_without_members_goes_to_ditp(newcomer_client):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    orphan = OrganizationFactory()

    newcomer_client.post(JOIN_URL, {"organization": orphan.pk})

    email = OutgoingEmail.objects.get(template="membership_requested")
    assert email.to == ["moderation@modernisation.gouv.fr"]
    assert "/admin/organizers/membership/" in email.body_text


def test_organization_join_twice_is_refused(newcomer_client, organization):
    membership_request(user=newcomer_client.user, organization=organization)

    with pytest.raises(MembershipError, match="déjà en attente"):
        membership_request(user=newcomer_client.user, organization=organization)


def test_member_approves_a_request_and_the_requester_is_told(member_client, organization):
    request = MembershipFactory(
        organization=organization,
        status=MembershipStatus.PENDING,
        role=MembershipRole.MEMBER,
        user__email="nouvelle@bretagne.gouv.fr",
    )

    page = member_client.get(members_url(organization, "organization_members"))
    assert "nouvelle@bretagne.gouv.fr" in page.content.decode()
    member_client.post(members_url(organization, "membership_approve", request.pk))

    request.refresh_from_db()
    assert request.status == MembershipStatus.ACTIVE
    assert request.approved_at is not None
    email = OutgoingEmail.objects.get(template="membership_approved")
    assert email.to == ["nouvelle@bretagne.gouv.fr"]


def test_member_declines_a_request(member_client, organization):
    request = MembershipFactory(
        organization=organization, status=MembershipStatus.PENDING, role=MembershipRole.MEMBER
    )

    member_client.post(members_url(organization, "membership_decline", request.pk))

    assert not Membership.objects.filter(pk=request.pk).exists()
    assert OutgoingEmail.objects.get(template="membership_declined").to == [request.user.email]


def test_ditp_moderator_approves_a_request(organization):
    request = MembershipFactory(organization=organization, status=MembershipStatus.PENDING)

    membership_approve(membership=request, user=UserFactory(moderator=True))

    request.refresh_from_db()
    assert request.status == MembershipStatus.ACTIVE


def test_pending_member_cannot_approve_anyone(organization):
    pending = MembershipFactory(organization=organization, status=MembershipStatus.PENDING)
    other = MembershipFactory(organization=organization, status=MembershipStatus.PENDING)

    with pytest.raises(PermissionDenied):
        membership_approve(membership=other, user=pending.user)


def test_requester_cancels_their_own_request(newcomer_client, organization):
    request = membership_request(user=newcomer_client.user, organization=organization)

    newcomer_client.post(reverse("organizers:membership_cancel", args=[request.pk]))

    assert not Membership.objects.filter(pk=request.pk).exists()


def test_admin_removes_a_member_but_a_member_cannot(member_client, organization):
    colleague = MembershipFactory(organization=organization, role=MembershipRole.MEMBER)
    other = MembershipFactory(organization=organization, role=MembershipRole.MEMBER)

    member_client.post(members_url(organization, "membership_remove", colleague.pk))
    assert not Membership.objects.filter(pk=colleague.pk).exists()

    with pytest.raises(MembershipError, match="Seul un administrateur"):
        membership_remove(
            membership=Membership.objects.get(user__email="agent@bretagne.gouv.fr"),
            user=other.user,
        )


def test_admin_cannot_remove_themselves(member_client, membership):
    response = member_client.post(
        members_url(membership.organization, "membership_remove", membership.pk), follow=True
    )

    assert "Quitter l’organisation" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_member_leaves_and_loses_access(member_client, organization, open_edition):
    event = EventFactory(edition=open_edition, organization=organization)

    member_client.post(members_url(organization, "organization_leave"))

    assert not Membership.objects.filter(organization=organization).exists()
    response = member_client.get(reverse("organizers:event_update", args=[event.pk]))
    assert response.status_code == 404


def test_last_admin_leaving_passes_the_role_to_the_longest_standing_member(membership):
    first = MembershipFactory(organization=membership.organization, role=MembershipRole.MEMBER)
    MembershipFactory(organization=membership.organization, role=MembershipRole.MEMBER)

    membership_leave(membership=membership, user=membership.user)

    first.refresh_from_db()
    assert first.role == MembershipRole.ADMIN


def test_members_of_an_organisation_manage_its_events_together(client, membership, open_edition):
    colleague = MembershipFactory(organization=membership.organization, role=MembershipRole.MEMBER)
    event = EventFactory(edition=open_edition, organization=membership.organization)
    client.force_login(colleague.user)

    assert client.get(reverse("organizers:event_update", args=[event.pk])).status_code == 200
