"""Status changes and moderation writes. Every status change goes through `event_transition`,
which reads the workflow table (`events.workflow`); the organisers' content edits live in
`events.editing`."""

import datetime
import hashlib
import json
import logging

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
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("edition").get(pk=event.pk)
        if expected_version is not None and locked.version != expected_version:
            raise TransitionConflict(
                "Cet événement a été modifié entre-temps (statut actuel : "
                f"« {locked.get_status_display()} »). Rechargez la page avant de décider."
            )
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
        locked.version += 1
        update_fields = [
            "status",
            "status_changed_at",
            "status_changed_by",
            "version",
            "updated_at",
        ]
        if workflow.keeps_message(to_status):
            locked.moderation_message = message
            update_fields.append("moderation_message")
        if step.checks_eligibility:
            locked.submitted_at = now
            update_fields.append("submitted_at")
        if states.is_published(locked):
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
        if states.is_published(locked):
            # Whatever wrote the event (form, admin, import), it is searchable once public.
            event_refresh_search(event=locked)
        entry = ModerationLogEntry.objects.create(
            event=locked,
            from_status=from_status,
            to_status=to_status,
            actor=user,
            actor_role=actor,
            message=message,
        )
        notify_event_transition(event=locked, entry=entry, step=step)
    for field in update_fields:
        setattr(event, field, getattr(locked, field))
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
    from .tasks import open_programme

    open_programme.using(run_after=edition.publication_at).enqueue(edition.pk)
