"""Who is a DITP moderator: the group, the permission, and the e-mail addresses of the team.

The group is created by the migration `events/0002_moderator_group` (which keeps its own frozen
copy of the name) and filled by `manage.py create_moderator`.
"""

from django.contrib.auth import get_user_model

from .models import RegionalRelay

MODERATOR_GROUP = "Modérateur DITP"
MODERATE_PERMISSION = "events.moderate_event"


def is_moderator(user) -> bool:
    """An active account allowed to moderate events (the group, or a superuser)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(MODERATE_PERMISSION)
    )


def relay_regions(user) -> frozenset[str] | None:
    """The regions a regional relay moderates, or None for a national moderator (everything).

    Read once per user object (cached on it)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    if not hasattr(user, "_relay_regions"):
        relay = RegionalRelay.objects.filter(user=user).values_list("regions", flat=True).first()
        user._relay_regions = None if relay is None else frozenset(relay)
    return user._relay_regions


def is_relay(user) -> bool:
    return relay_regions(user) is not None


def covers(user, *, region: str, assigned_relay_id: int | None) -> bool:
    """Whether `user` may moderate an event of `region` (or online, assigned to a relay)."""
    regions = relay_regions(user)
    if regions is None:
        return True
    return (bool(region) and region in regions) or assigned_relay_id == user.pk


def moderator_emails(*, region: str = "", assigned_relay_id: int | None = None) -> list[str]:
    """Where the DITP team's alerts go: active staff members of the moderator group; for an
    event, the national moderators and the relays whose regions hold it (or assigned to it)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=MODERATOR_GROUP)
        .exclude(email="")
    )
    relays = dict(RegionalRelay.objects.values_list("user_id", "regions"))
    return [
        email
        for pk, email in users.values_list("pk", "email")
        if pk not in relays or (region and region in relays[pk]) or pk == assigned_relay_id
    ]
