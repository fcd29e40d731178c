"""Who is a DITP moderator: the group, the permission, and the e-mail addresses of the team.

The group is created by the migration `events/0002_moderator_group` (which keeps its own frozen
copy of the name) and filled by `manage.py create_moderator`.
"""

import logging
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from .models import RegionalRelay
from .pagecache import kept_under_version

logger = logging.getLogger(__name__)

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


#: The number in the keys of what `relays_cached` keeps; a new one at each change of a relay
#: or an account (`relays_changed`, connected in apps.py).
RELAYS_VERSION_KEY = "regional-relays-version"
RELAYS_CACHE_TIMEOUT = 3600


def relays_cached(key: str, compute: Callable[[], object]) -> object:
    """`compute()`, kept in the shared cache until a relay or an account changes: for what
    depends on nothing else (the admin's list of the relays to assign an event to). Computed
    directly when the cache does not answer."""
    return kept_under_version(
        cache,
        lambda: cache.get_or_set(RELAYS_VERSION_KEY, time.time_ns, timeout=None),
        key,
        compute,
        RELAYS_CACHE_TIMEOUT,
    )


def relays_changed(sender=None, raw=False, **kwargs) -> None:
    """A relay was added, changed or removed, or an account (its name shows in the lists):
    what `relays_cached` kept is out of date once the change is committed. Not before: a
    request that read the new number before the commit would keep the old list under it."""
    if not raw:
        transaction.on_commit(_renew_relays_version, robust=True)


def _renew_relays_version() -> None:
    try:
        cache.set(RELAYS_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - the change is saved; the lists expire with their timeout
        logger.error("cache unavailable: the relays' lists could not be renewed", exc_info=True)
