"""Status changes and moderation writes. Every status change goes through `event_transition`,
which reads the workflow table (`events.workflow`). It and the schedule door
(`events.schedule.event_set_schedule_status`) share one frame, `event_change`: the row locked,
a stale version refused, the version bumped, one moderation log row. The organisers' content
edits live in `events.editing`."""

import contextlib
import datetime
import hashlib
import json
import logging
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from moisinno.formatting import french_date, french_time
from moisinno.pagecache import public_content_changed
from moisinno.roles import is_moderator

from . import states, workflow
from .eligibility import eligibility_errors
from .enums import Actor, EventStatus
from .limits import counted_submission
from .models import Edition, Event, ModerationLogEntry
from .notifications import notify_event_transition
from .search import event_refresh_search
from .tasks import open_programme

logger = logging.getLogger(__name__)


class TransitionError(Exception):
    """A status change that cannot be made; the message is shown to the user (French)."""


class TransitionNotAllowed(TransitionError):
    pass


class TransitionConflict(TransitionError):
    """The event changed since the user looked at it (another moderator decided first)."""


class EventNotEligible(TransitionNotAllowed):
    """Submission refused: `errors` holds one precise French message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = errors


class EventChange:
    """A change made through a door, inside `event_change`: `locked` is the event's locked row;
    `save` stamps the change with a new version and writes its moderation log row."""

    def __init__(self, locked: Event) -> None:
        self.locked = locked
        self.saved: list[str] = []

    def save(
        self,
        fields: list[str],
        *,
        user: AbstractBaseUser | None,
        actor_role: str,
        message: str,
        kind: str = ModerationLogEntry.TRANSITION,
        from_status: str | None = None,
        changes: list[dict] | None = None,
    ) -> ModerationLogEntry:
        """Save the changed `fields` with the version bumped (calendars see a new SEQUENCE; a
        stale decision made against the old version is refused) and log the change."""
        self.locked.version += 1
        self.saved = [*fields, "version", "updated_at"]
        self.locked.save(update_fields=self.saved)
        return ModerationLogEntry.objects.create(
            event=self.locked,
            kind=kind,
            from_status=from_status or self.locked.status,
            to_status=self.locked.status,
            actor=user,
            actor_role=actor_role,
            message=message,
            changes=changes or [],
        )


@contextlib.contextmanager
def event_change(
    *, event: Event, expected_version: int | None, conflict: str
) -> Iterator[EventChange]:
    """The frame of the doors that change an event's status or state (`event_transition`,
    `events.schedule.event_set_schedule_status`), after pretalx's `set_submission_state`.

    In one transaction: locks the event's row (its edition selected) and refuses a stale
    change, TransitionConflict with the `conflict` message (`{status}`: the status now) when
    `expected_version`, the version the user saw, is no longer the event's: someone else
    decided first. The door then checks, stamps and calls `EventChange.save`; once committed,
    `event` holds what was saved."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("edition").get(pk=event.pk)
        if expected_version is not None and locked.version != expected_version:
            raise TransitionConflict(conflict.format(status=locked.get_status_display()))
        change = EventChange(locked)
        yield change
    for name in change.saved:
        setattr(event, name, getattr(change.locked, name))


def event_transition(
    *,
    event: Event,
    to_status: str,
    user: AbstractBaseUser | None,
    message: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Move `event` to `to_status` on behalf of `user`, or raise a TransitionError.

    `user=None` is the programme's opening (the `system` actor, see `edition_open_programme`);
    `now` is the moment the transition's timing is judged against (a controlled clock in tests).

    Checks that the workflow has the transition and that the user may make it, that a
    required message is there and, for a submission, every eligibility rule
    (`EventNotEligible`); stamps who and when, writes the moderation log row and queues the
    emails, all in one transaction. `expected_version` is the version the user saw: if
    someone else changed the status meanwhile, TransitionConflict is raised.
    """
    message = (message or "").strip()
    conflict = (
        "Cet événement a été modifié entre-temps (statut actuel : « {status} »). Rechargez la "
        "page avant de décider."
    )
    with event_change(event=event, expected_version=expected_version, conflict=conflict) as change:
        locked = change.locked
        from_status = locked.status
        step = workflow.transition(from_status, to_status)
        if step is None:
            raise TransitionNotAllowed(workflow.impossible_message(from_status, to_status))
        roles = workflow.roles(user, locked) & step.actors
        if not roles:
            raise TransitionNotAllowed("Vous n'avez pas le droit d'effectuer cette action.")
        actor = next(
            role for role in (Actor.ORGANIZER, Actor.MODERATOR, Actor.SYSTEM) if role in roles
        )
        now = now or timezone.now()
        if not workflow.holds_now(step, locked, now):
            raise TransitionNotAllowed(workflow.timing_message(step))
        if step.message_required and not message:
            raise TransitionNotAllowed("Un message expliquant la décision est obligatoire.")
        if step.checks_eligibility and (errors := eligibility_errors(locked, user=user)):
            raise EventNotEligible(errors)

        locked.status = to_status
        locked.status_changed_at = now
        locked.status_changed_by = user
        fields = ["status", "status_changed_at", "status_changed_by"]
        if workflow.keeps_message(to_status):
            locked.moderation_message = message
            fields.append("moderation_message")
        if step.checks_eligibility:
            locked.submitted_at = now
            fields.append("submitted_at")
        if states.is_published(locked):
            locked.published_at = locked.published_at or now
            locked.changed_since_validation = False
            locked.changed_fields = []
            locked.moderation_message = ""
            fields += [
                "published_at",
                "changed_since_validation",
                "changed_fields",
                "moderation_message",
            ]
        entry = change.save(
            fields, user=user, actor_role=actor, message=message, from_status=from_status
        )
        if states.is_published(locked):
            # Whatever wrote the event (form, admin, import), it is searchable once public.
            event_refresh_search(event=locked)
        notify_event_transition(event=locked, entry=entry, step=step)
    return event


def event_submit(*, event: Event, user: AbstractBaseUser, message: str = "") -> Event:
    """Submit a draft, or resubmit after requested changes (with the organiser's answer).

    The one submission door: raises EventNotEligible with every problem found, and
    EventRateLimited past EVENT_SUBMIT_RATE_LIMIT (a refused submission is not counted).
    """
    with counted_submission(user=user, organization_id=event.organization_id):
        return event_transition(
            event=event, to_status=EventStatus.SUBMITTED, user=user, message=message
        )


def event_withdraw(*, event: Event, user: AbstractBaseUser) -> Event:
    return event_transition(event=event, to_status=EventStatus.DRAFT, user=user)


def event_approve(
    *,
    event: Event,
    user: AbstractBaseUser,
    message: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Approve a submitted event: « Validé » before its edition's publication moment (public
    at the opening), published at once after it."""
    step = workflow.approval(event, now)
    return event_transition(
        event=event,
        to_status=step.to_status if step else EventStatus.PUBLISHED,
        user=user,
        message=message,
        expected_version=expected_version,
        now=now,
    )


def event_request_changes(
    *, event: Event, user: AbstractBaseUser, message: str, expected_version: int | None = None
) -> Event:
    """Ask for changes on a submitted event, or unpublish a published one."""
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


def changes_fingerprint(changed_fields: list[dict]) -> str:
    """A short digest of the changes a moderator looked at (see `event_mark_reviewed`)."""
    payload = json.dumps(changed_fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def event_mark_reviewed(
    *, event: Event, user: AbstractBaseUser, expected_fingerprint: str | None = None
) -> Event:
    """DITP has reviewed the changes made to a published event: clear the flag and the list.

    `expected_fingerprint` is the `changes_fingerprint` of the changes the moderator saw: if
    the organiser changed the event again meanwhile, TransitionConflict is raised so that the
    new changes are not marked as reviewed unseen.
    """
    if not is_moderator(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if (
            expected_fingerprint is not None
            and changes_fingerprint(locked.changed_fields) != expected_fingerprint
        ):
            raise TransitionConflict(
                "L'organisateur a de nouveau modifié cet événement entre-temps. "
                "Relisez les modifications avant de les marquer comme revues."
            )
        locked.changed_since_validation = False
        locked.changed_fields = []
        locked.save(update_fields=["changed_since_validation", "changed_fields", "updated_at"])
    event.changed_since_validation = False
    event.changed_fields = []
    return event


def events_feature(*, events, featured: bool, user: AbstractBaseUser) -> int:
    """Put events « à la une » (the home page) or take them off; returns how many changed."""
    if not is_moderator(user):
        raise PermissionDenied
    with transaction.atomic():
        count = events.exclude(is_featured=featured).update(is_featured=featured)
        if count:  # an update() sends no signal
            public_content_changed()
    return count


def edition_make_current(*, edition: Edition) -> Edition:
    """Make `edition` the current one: the public site and the organiser space switch to it."""
    with transaction.atomic():
        # Lock every edition (a handful of rows) so that two concurrent calls serialise.
        list(Edition.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        Edition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
        Edition.objects.filter(pk=edition.pk).update(is_current=True)
        public_content_changed()
    edition.is_current = True
    return edition


def edition_open_programme(*, edition: Edition, now: datetime.datetime | None = None) -> int:
    """The launch-day opening: once `edition`'s publication moment has come, publish every
    validated event of it (organisers get their « en ligne » e-mail, the log a `system` row).

    Idempotent and safe to run again or concurrently (the task worker at the moment, the cron
    command as a safety net): before the moment, or with nothing left to open, it does nothing.
    Returns how many events it published.
    """
    now = now or timezone.now()
    edition = Edition.objects.get(pk=edition.pk)
    if edition.publication_at is None or edition.awaits_opening(now):
        return 0
    moment = timezone.localtime(edition.publication_at)
    message = (
        f"Ouverture du programme le {french_date(moment.date())} à {french_time(moment.time())}."
    )
    opened = 0
    pending = Event.objects.filter(edition=edition, status=EventStatus.VALIDATED).order_by("pk")
    for event in pending:
        try:
            event_transition(
                event=event, to_status=EventStatus.PUBLISHED, user=None, message=message, now=now
            )
        except TransitionError as error:  # moved meanwhile (unvalidated, opened by another run)
            logger.info("Opening of %s skipped event %s: %s", edition, event.pk, error)
            continue
        opened += 1
    if opened:
        logger.info("Programme %s opened: %s event(s) published.", edition.year, opened)
    return opened


def editions_open_due(*, now: datetime.datetime | None = None) -> int:
    """Open every edition whose publication moment has passed and still has validated events
    (`manage.py open_programme`, from cron)."""
    now = now or timezone.now()
    due = Edition.objects.filter(
        publication_at__lte=now, events__status=EventStatus.VALIDATED
    ).distinct()
    return sum(edition_open_programme(edition=edition, now=now) for edition in due)


def edition_schedule_opening(*, edition: Edition) -> None:
    """Queue the opening task at `edition`'s publication moment (call it when the moment is
    set or changed). A task scheduled for an older moment finds nothing to do, and the cron
    command `open_programme` catches a task that failed (tasks are not retried)."""
    if edition.publication_at is None:
        return
    open_programme.using(run_after=edition.publication_at).enqueue(edition.pk)
