"""Who is a DITP moderator: the group, the permission, and the e-mail addresses of the team.

The group is created by the migration `events/0002_moderator_group` (which keeps its own frozen
copy of the name) and filled by `manage.py create_moderator`.
"""

from django.contrib.auth import get_user_model

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


def moderator_emails() -> list[str]:
    """Where the DITP team's alerts go: active staff members of the moderator group."""
    users = get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=MODERATOR_GROUP
    )
    return list(users.exclude(email="").values_list("email", flat=True))
