"""Writes on organisations and memberships."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from moisinno.geography import region_of_department
from moisinno.notifications import queue_email
from moisinno.roles import is_moderator, moderator_emails
from moisinno.text import unique_slug

from .enums import MembershipRole, MembershipStatus
from .models import Membership, Organization
from .selectors import active_member_emails, user_is_active_member


class MembershipError(Exception):
    """A membership change that cannot be made; the message is shown to the user (French)."""


def _is_active_admin(*, user: AbstractBaseUser, organization: Organization) -> bool:
    return Membership.objects.filter(
        user=user,
        organization=organization,
        status=MembershipStatus.ACTIVE,
        role=MembershipRole.ADMIN,
    ).exists()


def organization_create(
    *,
    user: AbstractBaseUser,
    name: str,
    kind: str,
    region: str = "",
    department: str = "",
    website: str = "",
    description: str = "",
    siret: str = "",
    legal_category: str = "",
) -> Organization:
    """Create an organisation; its creator becomes its first (administrator) member.

    `siret` and `legal_category` come from the creator's ProConnect identity and the Sirene
    register (organizer_space: « Votre organisation d'après ProConnect »)."""
    name = " ".join(name.split())
    with transaction.atomic():
        organization = Organization.objects.create(
            name=name,
            slug=unique_slug(Organization, name, max_length=200),
            kind=kind,
            region=region_of_department(department) or region,
            department=department,
            website=website,
            description=description,
            siret=siret,
            legal_category=legal_category,
        )
        Membership.objects.create(
            user=user,
            organization=organization,
            role=MembershipRole.ADMIN,
            status=MembershipStatus.ACTIVE,
            approved_at=timezone.now(),
        )
    return organization


def membership_request(*, user: AbstractBaseUser, organization: Organization) -> Membership:
    """Ask to join `organization`: its active members are told by email (DITP when it has none).

    Any active member, or DITP, approves the request.
    """
    existing = Membership.objects.filter(user=user, organization=organization).first()
    if existing is not None:
        raise MembershipError(
            f"Vous êtes déjà membre de « {organization.name} »."
            if existing.status == MembershipStatus.ACTIVE
            else f"Votre demande pour rejoindre « {organization.name} » est déjà en attente."
        )

    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                organization=organization,
                role=MembershipRole.MEMBER,
                status=MembershipStatus.PENDING,
            )
            members = active_member_emails(organization=organization)
            queue_email(
                to=members or moderator_emails(),
                template="membership_requested",
                context={
                    "organization": organization,
                    "requester_email": user.email,
                    "to_moderators": not members,
                    "members_url": reverse(
                        "organizers:organization_members", args=[organization.slug]
                    ),
                    "admin_url": reverse(
                        "admin:organizers_membership_change", args=[membership.pk]
                    ),
                },
            )
    except IntegrityError as error:  # the same request sent twice at once
        raise MembershipError(
            f"Votre demande pour rejoindre « {organization.name} » est déjà en attente."
        ) from error
    return membership


def _lock_pending(membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update()
        .select_related("organization", "user")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None or locked.status != MembershipStatus.PENDING:
        raise MembershipError("Cette demande a déjà été traitée par un autre membre.")
    return locked


def _check_can_decide(*, user: AbstractBaseUser, membership: Membership) -> None:
    if not (
        user_is_active_member(user=user, organization_id=membership.organization_id)
        or is_moderator(user)
    ):
        raise PermissionDenied


def membership_approve(*, membership: Membership, user: AbstractBaseUser) -> Membership:
    """An active member (or DITP) accepts a join request; the new member is told by email."""
    _check_can_decide(user=user, membership=membership)
    with transaction.atomic():
        locked = _lock_pending(membership)
        locked.status = MembershipStatus.ACTIVE
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_at"])
        queue_email(
            to=[locked.user.email],
            template="membership_approved",
            context={
                "organization": locked.organization,
                "dashboard_url": reverse("organizers:dashboard"),
            },
        )
    return locked


def membership_decline(*, membership: Membership, user: AbstractBaseUser) -> None:
    """An active member (or DITP) turns a join request down; the requester is told by email."""
    _check_can_decide(user=user, membership=membership)
    with transaction.atomic():
        locked = _lock_pending(membership)
        queue_email(
            to=[locked.user.email],
            template="membership_declined",
            context={
                "organization": locked.organization,
                "join_url": reverse("organizers:organization_join"),
            },
        )
        locked.delete()


def membership_leave(*, membership: Membership, user: AbstractBaseUser) -> None:
    """A member leaves (or withdraws a pending request).

    When the last administrator leaves, the longest-standing active member becomes
    administrator, so that the organisation can still manage its members.
    """
    if membership.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        others = list(
            Membership.objects.select_for_update()
            .filter(organization_id=membership.organization_id, status=MembershipStatus.ACTIVE)
            .exclude(pk=membership.pk)
            .order_by("approved_at", "created_at", "pk")
        )
        if (
            membership.status == MembershipStatus.ACTIVE
            and membership.role == MembershipRole.ADMIN
            and others
            and not any(other.role == MembershipRole.ADMIN for other in others)
        ):
            successor = others[0]
            successor.role = MembershipRole.ADMIN
            successor.save(update_fields=["role"])
        Membership.objects.filter(pk=membership.pk).delete()


def membership_remove(*, membership: Membership, user: AbstractBaseUser) -> None:
    """An administrator of the organisation removes another member."""
    if membership.user_id == user.pk:
        raise MembershipError("Pour vous retirer vous-même, utilisez « Quitter l’organisation ».")
    if not _is_active_admin(user=user, organization=membership.organization):
        raise MembershipError("Seul un administrateur de l’organisation peut retirer un membre.")
    Membership.objects.filter(pk=membership.pk).delete()
