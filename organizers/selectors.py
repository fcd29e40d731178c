from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .enums import MembershipStatus
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
