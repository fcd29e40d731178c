"""Writes on events. Every status change goes through `event_transition`."""

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Max, Min, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from labs.models import Lab
from moisinno.geography import region_of_department
from moisinno.text import unique_slug
from organizers.models import Organization
from organizers.selectors import user_is_active_member

from .enums import (
    ACCESSIBILITY_FEATURES,
    EDITABLE_STATUSES,
    MESSAGE_REQUIRED,
    TRANSITIONS,
    Actor,
    AttendanceMode,
    EventStatus,
    RegistrationMode,
)
from .models import Edition, Event, EventSession, ModerationLogEntry, Theme
from .notifications import notify_event_transition
from .search import build_search_text, is_postgresql, search_vector_expression
from .selectors import referencing_is_open, referencing_open_for


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
        if to_status == EventStatus.PUBLISHED:
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
        notify_event_transition(event=locked, entry=entry)
    for field in update_fields:
        setattr(event, field, getattr(locked, field))
    return event


def event_submit(*, event: Event, user: AbstractBaseUser) -> Event:
    return event_transition(event=event, to_status=EventStatus.SUBMITTED, user=user)


def event_withdraw(*, event: Event, user: AbstractBaseUser) -> Event:
    return event_transition(event=event, to_status=EventStatus.DRAFT, user=user)


def event_approve(
    *,
    event: Event,
    user: AbstractBaseUser,
    message: str = "",
    expected_version: int | None = None,
) -> Event:
    return event_transition(
        event=event,
        to_status=EventStatus.PUBLISHED,
        user=user,
        message=message,
        expected_version=expected_version,
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
    if not user.is_active or not user.has_perm("events.moderate_event"):
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


def edition_make_current(*, edition: Edition) -> Edition:
    """Make `edition` the current one: the public site and the organiser space switch to it."""
    with transaction.atomic():
        # Lock every edition (a handful of rows) so that two concurrent calls serialise.
        list(Edition.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        Edition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
        Edition.objects.filter(pk=edition.pk).update(is_current=True)
    edition.is_current = True
    return edition


def events_refresh_search(*, events: QuerySet[Event] | None = None, batch_size: int = 500) -> int:
    """Rebuild the search text of `events` (all events when None) and, on PostgreSQL, their
    search vector. Call it after writing an event's text, place, organisations or labs, and
    after renaming an organisation or a lab. Returns the number of events refreshed."""
    ids = list((Event.objects.all() if events is None else events).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        rows = list(
            Event.objects.filter(pk__in=chunk)
            .select_related("organization", "format")
            .prefetch_related(
                Prefetch("labs", queryset=Lab.objects.only("name")),
                Prefetch("co_organizers", queryset=Organization.objects.only("name")),
                Prefetch("themes", queryset=Theme.objects.only("name")),
            )
            .only(
                "title",
                "summary",
                "description",
                "venue_name",
                "city",
                "department",
                "region",
                "organization__name",
                "format__name",
            )
        )
        for event in rows:
            event.search_text = build_search_text(
                event.title,
                event.summary,
                event.description,
                event.organization.name,
                *(organization.name for organization in event.co_organizers.all()),
                *(lab.name for lab in event.labs.all()),
                event.venue_name,
                event.city,
                event.department_name,
                event.region_name,
                event.format.name if event.format else "",
                *(theme.name for theme in event.themes.all()),
            )
        Event.objects.bulk_update(rows, ["search_text"])
        if is_postgresql():
            Event.objects.filter(pk__in=chunk).update(search_vector=search_vector_expression())
    return len(ids)


def event_refresh_search(*, event: Event) -> Event:
    """Rebuild the search text and vector of one event (see `events_refresh_search`)."""
    events_refresh_search(events=Event.objects.filter(pk=event.pk))
    event.search_text = Event.objects.values_list("search_text", flat=True).get(pk=event.pk)
    return event


# Organiser space: create, edit and duplicate events, check them before submission.

#: Event fields that organisers fill in (everything but moderation data), in form order.
ORGANIZER_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "description",
    "format",
    "audience",
    "derogation_requested",
    "derogation_justification",
    "attendance_mode",
    "venue_name",
    "address",
    "postal_code",
    "city",
    "department",
    "online_url",
    "registration_mode",
    "registration_url",
    "registration_email",
    "capacity",
    "is_full",
    "is_free",
    *ACCESSIBILITY_FEATURES,
    "public_contact_name",
    "public_contact_email",
    "private_contact_name",
    "private_contact_email",
    "private_contact_phone",
)
ORGANIZER_M2M_FIELDS: tuple[str, ...] = ("themes", "co_organizers", "labs")


class SessionData(TypedDict, total=False):
    id: int | None  # an existing session of the event, or None for a new one
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None


class EventError(Exception):
    """A change to an event that cannot be made; the message is shown to the user (French)."""


class ReferencingClosed(EventError):
    pass


class EventNotEditable(EventError):
    pass


class EventNotEligible(TransitionNotAllowed):
    """Submission refused: `errors` holds one precise French message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = errors


def _can_edit_events_of(*, user: AbstractBaseUser, organization_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user_is_active_member(user=user, organization_id=organization_id) or user.has_perm(
        "events.moderate_event"
    )


def french_date(day: datetime.date, fmt: str = "j F Y") -> str:
    """`1er novembre 2026`, `2 novembre 2026`: French ordinal for the first of the month."""
    text = date_format(day, fmt)
    return text.replace("1 ", "1er ", 1) if day.day == 1 and "j" in fmt else text


def referencing_closed_message(edition: Edition) -> str:
    if edition.referencing_opens_on and timezone.localdate() < edition.referencing_opens_on:
        return (
            f"Le référencement de l’édition {edition.year} ouvrira le "
            f"{french_date(edition.referencing_opens_on)}."
        )
    return (
        f"Le référencement de l’édition {edition.year} a pris fin le "
        f"{french_date(edition.referencing_closes_on)} : seule l’équipe DITP peut encore "
        "ajouter des événements."
    )


def _session_label(session: EventSession) -> str:
    label = french_date(session.date, "l j F Y")
    if session.start_time:
        label += f", {session.start_time:%H}\u00a0h\u00a0{session.start_time:%M}"
        if session.end_time:
            label += f" – {session.end_time:%H}\u00a0h\u00a0{session.end_time:%M}"
    return label


def _display_value(event: Event, name: str) -> str:
    """A field's value as the moderator reads it in the list of changes."""
    if name == "sessions":
        return " ; ".join(_session_label(s) for s in event.sessions.order_by("date", "start_time"))
    field = Event._meta.get_field(name)
    value = getattr(event, name)
    if field.many_to_many:
        return ", ".join(sorted(str(obj) for obj in value.all()))
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Oui" if value else "Non"
    return str(value)


def _tracked_fields() -> list[tuple[str, str]]:
    """(name, label) of everything an organiser can change, in form order."""
    names = [*ORGANIZER_FIELDS[:5], "sessions", *ORGANIZER_FIELDS[5:], *ORGANIZER_M2M_FIELDS]
    return [
        (
            name,
            "Séances" if name == "sessions" else capfirst(Event._meta.get_field(name).verbose_name),
        )
        for name in names
    ]


def _snapshot(event: Event) -> dict[str, str]:
    return {name: _display_value(event, name) for name, _label in _tracked_fields()}


def _merge_changes(existing: list[dict], before: dict[str, str], after: dict[str, str]) -> list:
    """Changes since the last validation, one dict per field (the back-office shows them).

    `before` keeps the validated value through successive edits; a field edited back to its
    validated value drops out of the list.
    """
    merged = {change["field"]: change for change in existing}
    for name, label in _tracked_fields():
        if before[name] == after[name]:
            continue
        validated = merged[name]["before"] if name in merged else before[name]
        if validated == after[name]:
            merged.pop(name, None)
        else:
            merged[name] = {
                "field": name,
                "label": label,
                "before": validated,
                "after": after[name],
            }
    order = [name for name, _label in _tracked_fields()]
    return sorted(merged.values(), key=lambda change: order.index(change["field"]))


def _assign(event: Event, fields: dict) -> None:
    unknown = set(fields) - set(ORGANIZER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by organisers: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(event, name, "" if value is None and name not in {"format", "capacity"} else value)
    # Conditional fields: what does not apply to the chosen modes is not kept.
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


def _sync_sessions(event: Event, sessions: list[SessionData]) -> None:
    """Make the event's sessions match `sessions`, keeping the ids of those that stay."""
    existing = {session.pk: session for session in event.sessions.all()}
    kept = [data["id"] for data in sessions if data.get("id") in existing]
    event.sessions.exclude(pk__in=kept).delete()
    for data in sessions:
        values = {
            "date": data["date"],
            "start_time": data.get("start_time"),
            "end_time": data.get("end_time"),
        }
        session = existing.get(data.get("id"))
        if session is None:
            EventSession.objects.create(event=event, **values)
        elif any(getattr(session, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(session, key, value)
            session.save()


def _save_related(
    event: Event, m2m: dict[str, Iterable] | None, sessions: list[SessionData] | None
) -> None:
    for name, values in (m2m or {}).items():
        if name not in ORGANIZER_M2M_FIELDS:
            raise ValueError(f"Not editable by organisers: {name}")
        getattr(event, name).set(values)
    if sessions is not None:
        _sync_sessions(event, sessions)
    event_refresh_dates(event=event)
    event_refresh_search(event=event)


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
    (DITP moderators may still add events).
    """
    if not _can_edit_events_of(user=user, organization_id=organization.pk):
        raise PermissionDenied
    if not referencing_open_for(edition=edition, user=user):
        raise ReferencingClosed(referencing_closed_message(edition))
    with transaction.atomic():
        event = Event(
            edition=edition, organization=organization, created_by=user, status=EventStatus.DRAFT
        )
        _assign(event, fields)
        event.slug = unique_slug(Event, event.title, max_length=200)
        event.save()
        _save_related(event, m2m, sessions)
    return event


NOT_EDITABLE_MESSAGES = {
    EventStatus.SUBMITTED: (
        "Cet événement est en cours de validation : retirez-le de la validation pour le modifier."
    ),
    EventStatus.REJECTED: (
        "Un événement refusé ne peut plus être modifié : dupliquez-le pour en proposer "
        "une nouvelle version."
    ),
    EventStatus.CANCELLED: "Un événement annulé ne peut plus être modifié.",
}


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
        if locked.status not in EDITABLE_STATUSES:
            raise EventNotEditable(NOT_EDITABLE_MESSAGES[locked.status])
        before = _snapshot(locked) if locked.status == EventStatus.PUBLISHED else None
        _assign(locked, fields)
        locked.save()
        _save_related(locked, m2m, sessions)
        if before is not None:
            locked.changed_fields = _merge_changes(locked.changed_fields, before, _snapshot(locked))
            locked.changed_since_validation = bool(locked.changed_fields)
            locked.save(update_fields=["changed_fields", "changed_since_validation", "updated_at"])
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
    fields["is_full"] = False
    sessions: list[SessionData] = (
        [
            {"date": s.date, "start_time": s.start_time, "end_time": s.end_time}
            for s in event.sessions.all()
        ]
        if same_edition
        else []
    )
    return event_create(
        organization=event.organization,
        edition=edition,
        user=user,
        fields=fields,
        m2m={name: list(getattr(event, name).all()) for name in ORGANIZER_M2M_FIELDS},
        sessions=sessions,
    )


def _dates_label(days: list[datetime.date]) -> str:
    labels = [french_date(day) for day in sorted(set(days))]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} et {labels[-1]}"


def event_eligibility_errors(event: Event, *, user: AbstractBaseUser | None = None) -> list[str]:
    """Everything that prevents submitting `event`, one precise French message per problem.

    Drafts are never checked: only submission is. The referencing window applies to a first
    submission by an organiser (not to a resubmission after requested changes, nor to DITP).
    """
    errors: list[str] = []
    edition = event.edition
    if (
        event.status == EventStatus.DRAFT
        and not referencing_is_open(edition=edition)
        and not (user is not None and user.is_active and user.has_perm("events.moderate_event"))
    ):
        errors.append(referencing_closed_message(edition))
    if not event.summary.strip():
        errors.append("Rédigez le résumé : en 200 caractères au plus, il présente l’événement.")
    if not event.description.strip():
        errors.append("Rédigez la description : déroulé, intervenants, ce que l’on y apprend.")
    if event.format_id is None:
        errors.append("Choisissez le format de l’événement (atelier, conférence, webinaire…).")
    if event.is_in_person:
        if not event.address.strip() or not event.city.strip():
            errors.append(
                "Indiquez l’adresse et la ville du lieu : l’événement se tient en présentiel."
            )
        if not event.department:
            errors.append("Indiquez le département du lieu : l’événement se tient en présentiel.")
    if event.is_online and not event.online_url:
        errors.append(
            "Indiquez le lien de connexion ou de diffusion : l’événement se tient en ligne."
        )
    if event.registration_mode == RegistrationMode.LINK and not event.registration_url:
        errors.append("Indiquez le lien d’inscription, ou choisissez un autre mode d’inscription.")
    if event.registration_mode == RegistrationMode.EMAIL and not event.registration_email:
        errors.append(
            "Indiquez le courriel d’inscription, ou choisissez un autre mode d’inscription."
        )
    if not event.private_contact_email:
        errors.append(
            "Indiquez le courriel de la personne que l’équipe DITP peut contacter "
            "(il n’est pas publié)."
        )
    if not event.is_free:
        errors.append(
            "L’événement doit être gratuit : le Mois de l’innovation publique ne référence "
            "que des événements gratuits."
        )
    sessions = list(event.sessions.all())
    if not sessions:
        errors.append("Ajoutez au moins une séance : sa date, et si possible ses horaires.")
    for session in sessions:
        if session.end_time and (not session.start_time or session.end_time <= session.start_time):
            errors.append(
                f"La séance du {french_date(session.date)} se termine avant de commencer : "
                "l’heure de fin doit suivre l’heure de début."
            )
    outside = [s.date for s in sessions if not edition.start_date <= s.date <= edition.end_date]
    if outside:
        edition_dates = (
            f"du {french_date(edition.start_date, 'j F')} au {french_date(edition.end_date)}"
        )
        if not event.derogation_requested:
            subject = (
                f"La séance du {_dates_label(outside)} a lieu"
                if len(set(outside)) == 1
                else f"Les séances des {_dates_label(outside)} ont lieu"
            )
            errors.append(
                f"{subject} en dehors des dates de l’édition ({edition_dates}) : choisissez "
                "des dates dans l’édition, ou demandez une dérogation en la justifiant."
            )
        elif not event.derogation_justification.strip():
            errors.append(
                "Justifiez la demande de dérogation : expliquez pourquoi l’événement a lieu "
                f"en dehors des dates de l’édition ({edition_dates})."
            )
    return errors


def event_submit_if_eligible(*, event: Event, user: AbstractBaseUser, message: str = "") -> Event:
    """Submit a draft, or resubmit after requested changes (with the organiser's answer).

    Raises EventNotEligible with every problem found, else delegates to `event_transition`.
    """
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("edition").get(pk=event.pk)
        errors = event_eligibility_errors(locked, user=user)
        if errors:
            raise EventNotEligible(errors)
        return event_transition(
            event=event, to_status=EventStatus.SUBMITTED, user=user, message=message
        )
