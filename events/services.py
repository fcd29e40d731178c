"""Writes on events. Every status change goes through `event_transition`."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from organizers.selectors import user_is_active_member

from .enums import MESSAGE_REQUIRED, TRANSITIONS, Actor, EventStatus
from .models import Event, ModerationLogEntry
from .notifications import notify_event_transition


class TransitionError(Exception):
    """A status change that cannot be made; the message is shown to the user (French)."""


class TransitionNotAllowed(TransitionError):
    pass


class TransitionConflict(TransitionError):
    """The event changed since the user looked at it (another moderator decided first)."""


def actor_roles(*, user: AbstractBaseUser, event: Event) -> set[str]:
    roles: set[str] = set()
    if not user.is_authenticated or not user.is_active:
        return roles
    if user.has_perm("events.moderate_event"):
        roles.add(Actor.MODERATOR)
    if user_is_active_member(user=user, organization_id=event.organization_id):
        roles.add(Actor.ORGANIZER)
    return roles


def event_transition(
    *,
    event: Event,
    to_status: str,
    user: AbstractBaseUser,
    message: str = "",
    expected_version: int | None = None,
) -> Event:
    """Move `event` to `to_status` on behalf of `user`, or raise a TransitionError.

    Checks that the transition exists and that the user may make it, stamps who and when,
    writes the moderation log row and queues the emails, all in one transaction.
    `expected_version` is the version the user saw: if someone else changed the status
    meanwhile, TransitionConflict is raised.
    """
    message = (message or "").strip()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if expected_version is not None and locked.version != expected_version:
            raise TransitionConflict(
                "Cet événement a été modifié entre-temps (statut actuel : "
                f"« {locked.get_status_display()} »). Rechargez la page avant de décider."
            )
        from_status = locked.status
        allowed_actors = TRANSITIONS.get((from_status, to_status))
        if allowed_actors is None:
            raise TransitionNotAllowed(
                f"Impossible de passer de « {EventStatus(from_status).label} » "
                f"à « {EventStatus(to_status).label} »."
            )
        roles = actor_roles(user=user, event=locked) & allowed_actors
        if not roles:
            raise TransitionNotAllowed("Vous n'avez pas le droit d'effectuer cette action.")
        actor = Actor.ORGANIZER if Actor.ORGANIZER in roles else Actor.MODERATOR
        if (from_status, to_status) in MESSAGE_REQUIRED and not message:
            raise TransitionNotAllowed("Un message expliquant la décision est obligatoire.")

        now = timezone.now()
        locked.status = to_status
        locked.status_changed_at = now
        locked.status_changed_by = user
        locked.version += 1
        update_fields = [
            "status",
            "status_changed_at",
            "status_changed_by",
            "version",
            "updated_at",
        ]
        if to_status in {
            EventStatus.CHANGES_REQUESTED,
            EventStatus.REJECTED,
            EventStatus.CANCELLED,
        }:
            locked.moderation_message = message
            update_fields.append("moderation_message")
        if to_status == EventStatus.SUBMITTED:
            locked.submitted_at = now
            update_fields.append("submitted_at")
        if to_status == EventStatus.PUBLISHED:
            locked.published_at = locked.published_at or now
            locked.changed_since_validation = False
            locked.changed_fields = []
            locked.moderation_message = ""
            update_fields += [
                "published_at",
                "changed_since_validation",
                "changed_fields",
                "moderation_message",
            ]
        locked.save(update_fields=update_fields)
        entry = ModerationLogEntry.objects.create(
            event=locked,
            from_status=from_status,
            to_status=to_status,
            actor=user,
            actor_role=actor,
            message=message,
        )
        notify_event_transition(event=locked, entry=entry)
    for field in update_fields:
        setattr(event, field, getattr(locked, field))
    return event


def event_submit(*, event: Event, user: AbstractBaseUser) -> Event:
    return event_transition(event=event, to_status=EventStatus.SUBMITTED, user=user)


def event_withdraw(*, event: Event, user: AbstractBaseUser) -> Event:
    return event_transition(event=event, to_status=EventStatus.DRAFT, user=user)


def event_approve(
    *, event: Event, user: AbstractBaseUser, expected_version: int | None = None
) -> Event:
    return event_transition(
        event=event, to_status=EventStatus.PUBLISHED, user=user, expected_version=expected_version
    )


def event_request_changes(
    *, event: Event, user: AbstractBaseUser, message: str, expected_version: int | None = None
) -> Event:
    return event_transition(
        event=event,
        to_status=EventStatus.CHANGES_REQUESTED,
        user=user,
        message=message,
        expected_version=expected_version,
    )


def event_reject(
    *, event: Event, user: AbstractBaseUser, message: str, expected_version: int | None = None
) -> Event:
    return event_transition(
        event=event,
        to_status=EventStatus.REJECTED,
        user=user,
        message=message,
        expected_version=expected_version,
    )


def event_unpublish(
    *, event: Event, user: AbstractBaseUser, message: str, expected_version: int | None = None
) -> Event:
    return event_transition(
        event=event,
        to_status=EventStatus.CHANGES_REQUESTED,
        user=user,
        message=message,
        expected_version=expected_version,
    )


def event_cancel(
    *, event: Event, user: AbstractBaseUser, message: str, expected_version: int | None = None
) -> Event:
    return event_transition(
        event=event,
        to_status=EventStatus.CANCELLED,
        user=user,
        message=message,
        expected_version=expected_version,
    )


def event_refresh_dates(*, event: Event) -> Event:
    """Copy the first and last session dates onto the event (used for ordering and filters)."""
    bounds = event.sessions.aggregate(first=Min("date"), last=Max("date"))
    event.starts_on, event.ends_on = bounds["first"], bounds["last"]
    Event.objects.filter(pk=event.pk).update(starts_on=event.starts_on, ends_on=event.ends_on)
    return event
