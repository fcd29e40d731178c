"""The organiser space (/espace-organisateur/): thin views over the services.

Ownership is checked in one place, `organizers.views.permissions`: every view that touches an
organisation or an event receives it from a decorator, resolved from the user's active
memberships (anything else is a 404).
"""

from .dashboard import dashboard
from .events import (
    event_cancel,
    event_create,
    event_duplicate,
    event_preview,
    event_resubmit,
    event_submit,
    event_update,
    event_withdraw,
)
from .imports import event_import
from .memberships import (
    membership_approve,
    membership_cancel,
    membership_decline,
    membership_remove,
    organization_create,
    organization_join,
    organization_leave,
    organization_members,
)

__all__ = [
    "dashboard",
    "event_cancel",
    "event_create",
    "event_duplicate",
    "event_import",
    "event_preview",
    "event_resubmit",
    "event_submit",
    "event_update",
    "event_withdraw",
    "membership_approve",
    "membership_cancel",
    "membership_decline",
    "membership_remove",
    "organization_create",
    "organization_join",
    "organization_leave",
    "organization_members",
]
