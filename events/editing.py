"""The organisers' edits: create, update, duplicate and delete events, with the changes since
validation (what they fill in, its snapshots and their diff: events/changes.py).

`apply_invariants` is the one place where an event's derived fields are set (region from
department, conditional fields cleared): these services and the admin call it before saving.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from moisinno.geography import region_of_department
from moisinno.roles import is_moderator
from moisinno.text import unique_slug
from organizers.models import Organization
from organizers.selectors import user_is_active_member

from . import states
from .changes import (
    ORGANIZER_FIELDS,
    ORGANIZER_M2M_FIELDS,
    changes_between,
    event_merge_changes,
    event_snapshot,
    snapshot,
)
from .eligibility import referencing_closed_message, referencing_open_for
from .enums import Actor, AttendanceMode, EventStatus, RegistrationMode
from .limits import counted_creation
from .models import Edition, Event, ModerationLogEntry
from .notifications import notify_ditp_edit
from .search import event_refresh_search
from .sessions import (
    EVENT_PLACE_FIELDS,
    SESSION_FIELDS,
    SessionData,
    event_queue_geocoding,
    event_refresh_dates,
    event_sync_sessions,
)

#: Fields that may be None (the others are "" when empty).
NULLABLE_FIELDS = {"format", "capacity", "image_width", "image_height"}


class EventError(Exception):
    """A change to an event that cannot be made; the message is shown to the user (French)."""


class ReferencingClosed(EventError):
    pass


class EventNotEditable(EventError):
    pass


def _can_edit_events_of(*, user: AbstractBaseUser, organization_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user_is_active_member(user=user, organization_id=organization_id) or is_moderator(user)


def event_record_ditp_edit(
    *, event: Event, user: AbstractBaseUser, before: dict[str, str]
) -> ModerationLogEntry | None:
    """A moderator changed `event` in the admin: keep the changed fields (before / after) in
    its moderation log and tell its organisers by e-mail (their dashboard shows the same
    table). Nothing when nothing an organiser fills in changed. Call it in the admin's
    transaction, after the event and its related rows are saved."""
    if not is_moderator(user):
        raise PermissionDenied
    changes = changes_between(before, event_snapshot(event))
    if not changes:
        return None
    entry = ModerationLogEntry.objects.create(
        event=event,
        kind=ModerationLogEntry.EDIT,
        from_status=event.status,
        to_status=event.status,
        actor=user,
        actor_role=Actor.MODERATOR,
        changes=changes,
    )
    notify_ditp_edit(event=event, entry=entry)
    return entry


def _assign(event: Event, fields: dict) -> None:
    unknown = set(fields) - set(ORGANIZER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by organisers: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(event, name, "" if value is None and name not in NULLABLE_FIELDS else value)
    apply_invariants(event)


def apply_invariants(event: Event) -> Event:
    """What an event must hold whoever writes it (organiser form, admin, import).

    The region is the department's; what does not apply to the chosen modes is not kept.
    Call it before saving; the organiser services and the admin both do.
    """
    if event.attendance_mode == AttendanceMode.ONLINE:
        event.venue_name = event.address = event.postal_code = event.city = event.department = ""
    if event.attendance_mode == AttendanceMode.IN_PERSON:
        event.online_url = ""
    if event.registration_mode != RegistrationMode.LINK:
        event.registration_url = ""
    if event.registration_mode != RegistrationMode.EMAIL:
        event.registration_email = ""
    if not event.derogation_requested:
        event.derogation_justification = ""
    event.region = region_of_department(event.department)
    if not event.image:
        event.image_width = event.image_height = None
        event.image_alt = event.image_credit = ""
        event.image_decorative = False
    if event.image_decorative:
        event.image_alt = ""
    return event


def _save_related(
    event: Event, m2m: dict[str, Iterable] | None, sessions: list[SessionData] | None
) -> None:
    for name, values in (m2m or {}).items():
        if name not in ORGANIZER_M2M_FIELDS:
            raise ValueError(f"Not editable by organisers: {name}")
        getattr(event, name).set(values)
    if sessions is not None:
        event_sync_sessions(event=event, sessions=sessions)
    event_refresh_dates(event=event)
    event_refresh_search(event=event)
    # A new or changed address: its sessions are located again by the task worker.
    event_queue_geocoding(event=event)


def event_create(
    *,
    organization: Organization,
    edition: Edition,
    user: AbstractBaseUser,
    fields: dict,
    m2m: dict[str, Iterable] | None = None,
    sessions: list[SessionData] | None = None,
) -> Event:
    """Create a draft for `organization`. Never checks eligibility: a draft may be incomplete.

    Raises PermissionDenied for a non-member, ReferencingClosed outside the referencing window
    (DITP moderators may still add events), EventRateLimited past EVENT_CREATE_RATE_LIMIT.
    """
    if not _can_edit_events_of(user=user, organization_id=organization.pk):
        raise PermissionDenied
    if not referencing_open_for(edition=edition, user=user):
        raise ReferencingClosed(referencing_closed_message(edition))
    # At most EVENT_CREATE_RATE_LIMIT drafts per account and per organisation (EventRateLimited).
    with counted_creation(user=user, organization_id=organization.pk), transaction.atomic():
        event = Event(
            edition=edition, organization=organization, created_by=user, status=states.INITIAL
        )
        _assign(event, fields)
        event.slug = unique_slug(Event, event.title, max_length=200)
        event.save()
        _save_related(event, m2m, sessions)
    return event


def event_update(
    *,
    event: Event,
    user: AbstractBaseUser,
    fields: dict,
    m2m: dict[str, Iterable] | None = None,
    sessions: list[SessionData] | None = None,
) -> Event:
    """Save an organiser's edit of a draft, an event with requested changes or a published one.

    A published event stays public; it enters the DITP queue as "changed since validation",
    `changed_fields` listing `{"field", "label", "before", "after"}` per changed field
    (`before` is the validated value). Returns the saved event (a fresh instance).
    """
    if not _can_edit_events_of(user=user, organization_id=event.organization_id):
        raise PermissionDenied
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not states.is_editable(locked):
            raise EventNotEditable(states.status_info(locked).not_editable_message)
        before = snapshot(locked) if states.is_published(locked) else None
        _assign(locked, fields)
        # A new version: calendars subscribed to the event see a raised SEQUENCE.
        locked.version += 1
        locked.save()
        _save_related(locked, m2m, sessions)
        if before is not None:
            event_merge_changes(event=locked, before=before, after=snapshot(locked))
    return locked


def event_duplicate(*, event: Event, user: AbstractBaseUser, edition: Edition) -> Event:
    """A new draft in `edition` with the content of `event` (of this or a past edition).

    Sessions are copied within the same edition only: a past edition's dates mean nothing now.
    """
    same_edition = event.edition_id == edition.pk
    fields = {name: getattr(event, name) for name in ORGANIZER_FIELDS}
    if same_edition:
        fields["title"] = f"{event.title[:190]} (copie)"
    else:
        fields["derogation_requested"] = False
        fields["derogation_justification"] = ""
    sessions: list[SessionData] = (
        [
            {name: getattr(s, name) for name in SESSION_FIELDS}  # type: ignore[misc]
            for s in event.sessions.all()
        ]
        if same_edition
        else []
    )
    copy = event_create(
        organization=event.organization,
        edition=edition,
        user=user,
        fields=fields,
        m2m={name: list(getattr(event, name).all()) for name in ORGANIZER_M2M_FIELDS},
        sessions=sessions,
    )
    if not sessions:
        # No session to hold it: the event keeps the place, which the form offers to the
        # first session it adds.
        place = {name: getattr(event, name) for name in EVENT_PLACE_FIELDS}
        Event.objects.filter(pk=copy.pk).update(**place)
        for name, value in place.items():
            setattr(copy, name, value)
    return copy


class EventNotDeletable(EventError):
    pass


def event_delete(*, event: Event, user: AbstractBaseUser) -> None:
    """Delete a draft that was never submitted, for one of its organisers.

    A submitted, validated or published event (or a draft withdrawn from validation) is
    never deleted: it is withdrawn, or cancelled, and its history kept. Raises
    PermissionDenied for anyone but a member of the owning organisation, EventNotDeletable
    otherwise.
    """
    if not (
        user.is_authenticated
        and user.is_active
        and user_is_active_member(user=user, organization_id=event.organization_id)
    ):
        raise PermissionDenied
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        submitted_once = (
            locked.submitted_at is not None
            or locked.moderation_log.filter(to_status=EventStatus.SUBMITTED).exists()
        )
        if not states.is_draft(locked) or submitted_once:
            raise EventNotDeletable(
                "Seul un brouillon jamais soumis peut être supprimé. Un événement soumis peut "
                "être retiré de la validation, un événement publié peut être annulé."
            )
        locked.delete()
