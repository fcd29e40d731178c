"""The organiser space (/espace-organisateur/): thin views over the services.

Ownership is checked in one place, `organizer_space.permissions`: every view that touches an
organisation or an event receives it from a decorator, resolved from the user's active
memberships (anything else is a 404).
"""

from .attendance import event_attendance
from .dashboard import dashboard
from .events import (
    event_cancel,
    event_create,
    event_delete,
    event_duplicate,
    event_preview,
    event_resubmit,
    event_schedule,
    event_submit,
    event_update,
    event_withdraw,
    session_place,
)
from .imports import event_import
from .kit import event_kit
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
from .proconnect import organization_proconnect
from .registrations import (
    event_registrations,
    event_registrations_csv,
    registration_cancel,
    registration_check_in,
    registration_presence,
    registration_promote,
    session_message,
    session_registrations,
    session_registrations_csv,
    session_sign_in_sheet,
)
from .resources import (
    event_resource_delete,
    event_resource_move,
    event_resource_update,
    event_resources,
)
from .survey import event_survey

__all__ = [
    "event_attendance",
    "event_survey",
    "event_kit",
    "event_registrations",
    "event_registrations_csv",
    "registration_cancel",
    "registration_check_in",
    "registration_presence",
    "registration_promote",
    "session_message",
    "session_registrations",
    "session_registrations_csv",
    "session_sign_in_sheet",
    "session_place",
    "dashboard",
    "event_cancel",
    "event_create",
    "event_delete",
    "event_duplicate",
    "event_import",
    "event_preview",
    "event_resource_delete",
    "event_resource_move",
    "event_resource_update",
    "event_resources",
    "event_resubmit",
    "event_schedule",
    "event_submit",
    "event_update",
    "event_withdraw",
    "organization_proconnect",
    "membership_approve",
    "membership_cancel",
    "membership_decline",
    "membership_remove",
    "organization_create",
    "organization_join",
    "organization_leave",
    "organization_members",
]
