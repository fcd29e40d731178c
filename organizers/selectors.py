import unicodedata

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .enums import MembershipRole, MembershipStatus
from .models import Membership, Organization


def user_is_active_member(*, user: AbstractBaseUser | AnonymousUser, organization_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, status=MembershipStatus.ACTIVE
    ).exists()


def organizations_of_user(*, user: AbstractBaseUser) -> list[Organization]:
    return list(
        Organization.objects.filter(
            memberships__user=user, memberships__status=MembershipStatus.ACTIVE
        ).order_by("name")
    )


def memberships_of_user(*, user: AbstractBaseUser) -> list[Membership]:
    """The user's memberships, active and pending, with their organisation."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )


def active_membership(*, user: AbstractBaseUser, slug: str) -> Membership | None:
    """The user's active membership of the organisation `slug` (ownership checks)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(
            user=user, organization__slug=slug, status=MembershipStatus.ACTIVE
        )
        .select_related("organization")
        .first()
    )


def organization_memberships(*, organization: Organization) -> list[Membership]:
    """Members first (administrators first), then pending requests, oldest first."""
    return sorted(
        Membership.objects.filter(organization=organization).select_related("user"),
        key=lambda m: (
            m.status != MembershipStatus.ACTIVE,
            m.role != MembershipRole.ADMIN,
            m.created_at,
            m.pk,
        ),
    )


def active_member_emails(*, organization: Organization) -> list[str]:
    return list(
        Membership.objects.filter(
            organization=organization, status=MembershipStatus.ACTIVE, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _searchable(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def organizations_search(*, query: str, limit: int = 20) -> list[Organization]:
    """Organisations whose name contains every word of `query`, ignoring case and accents.

    Matching happens in Python over the names (a few thousand at most), so that it behaves
    the same on SQLite and PostgreSQL.
    """
    words = _searchable(query).split()
    if not words:
        return []
    names = Organization.objects.order_by("name").values_list("pk", "name")
    matching = [pk for pk, name in names if all(word in _searchable(name) for word in words)]
    return list(Organization.objects.filter(pk__in=matching[:limit]).order_by("name"))


def organization_by_siret(*, siret: str) -> Organization | None:
    return Organization.objects.filter(siret=siret).first() if siret else None
