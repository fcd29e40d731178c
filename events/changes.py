"""An event's changes: what its organisers fill in, as snapshots to compare.

- `ORGANIZER_FIELDS`, `ORGANIZER_M2M_FIELDS`: the event fields organisers fill in, in form
  order; with the sessions, what a snapshot holds.
- `snapshot` / `event_snapshot`: every such field as read in a list of changes ("Oui", the
  format's name, the sessions on one line each).
- `changes_between`: the fields that differ between two snapshots (a DITP edit,
  `events.editing.event_record_ditp_edit`).
- `event_merge_changes`: the changes since validation of a published event, kept across
  successive edits for the DITP to reread (`Event.changed_fields`), by both doors that change a
  published event's content: `events.editing.event_update` and, for « Reprogrammé »,
  `events.schedule.event_set_schedule_status`.
"""

from django.db import models
from django.utils.text import capfirst

from moisinno.formatting import session_label

from .enums import ACCESSIBILITY_FEATURES
from .models import Event, EventSession

#: The event's image (events/images.py): its key and size come together from an upload; the
#: size is not listed among the changes (the image is).
IMAGE_FIELDS: tuple[str, ...] = (
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "image_decorative",
    "image_credit",
)
UNTRACKED_FIELDS = {"image_width", "image_height"}

#: Event fields that organisers fill in (everything but moderation data), in form order.
ORGANIZER_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "description",
    "format",
    "audience",
    "derogation_requested",
    "derogation_justification",
    "registration_mode",
    "registration_url",
    "registration_email",
    "capacity",
    "is_free",
    *ACCESSIBILITY_FEATURES,
    "public_contact_name",
    "public_contact_email",
    "private_contact_name",
    "private_contact_email",
    "private_contact_phone",
    *IMAGE_FIELDS,
)
ORGANIZER_M2M_FIELDS: tuple[str, ...] = ("themes", "co_organizers", "labs")


def _display_value(event: Event, name: str) -> str:
    """A field's value as the moderator reads it in the list of changes."""
    if name == "sessions":
        sessions = event.sessions.order_by("date", "start_time")
        return "\u00a0; ".join(_session_display(session) for session in sessions)
    if name == "image":  # the moderator sees the image (admin: its URL shown as an image)
        picture = event.own_picture
        return picture.image.rendition(400).url if picture else ""
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


def _session_display(session: EventSession) -> str:
    """ "mardi 21 novembre 2023, de 9 h à 12 h, en présentiel : Rennes…" (lists of changes)."""
    where = [session.get_attendance_mode_display().lower()]
    if session.is_in_person and (place := session.place_label):
        where.append(place)
    if session.is_online:
        link = session.online_url or session.online_note
        visibility = "lien public" if session.public_online_url else "lien non public"
        where.append(f"{link} ({visibility})" if session.online_url else link)
    details = ", ".join(part for part in where[1:] if part)
    return f"{session_label(session)}, {where[0]}" + (f"\u00a0: {details}" if details else "")


def _tracked_fields() -> list[tuple[str, str]]:
    """(name, label) of everything an organiser can change, in form order."""
    names = [
        name
        for name in [
            *ORGANIZER_FIELDS[:5],
            "sessions",
            *ORGANIZER_FIELDS[5:],
            *ORGANIZER_M2M_FIELDS,
        ]
        if name not in UNTRACKED_FIELDS
    ]
    return [
        (
            name,
            "Séances" if name == "sessions" else capfirst(Event._meta.get_field(name).verbose_name),
        )
        for name in names
    ]


def snapshot(event: Event) -> dict[str, str]:
    """Every field an organiser fills in, as `event` holds it (its sessions and relations read
    from the database), as read in a list of changes: in a door, once the row is locked."""
    return {name: _display_value(event, name) for name, _label in _tracked_fields()}


def event_snapshot(event: Event) -> dict[str, str]:
    """Every field an organiser fills in, as read in a list of changes (fresh from the
    database: call it before and after a change, then `changes_between`)."""
    return snapshot(Event.objects.get(pk=event.pk))


def changes_between(before: dict[str, str], after: dict[str, str]) -> list[dict]:
    """[{"field", "label", "before", "after"}] of the fields that differ, in form order."""
    return [
        {"field": name, "label": label, "before": before[name], "after": after[name]}
        for name, label in _tracked_fields()
        if before[name] != after[name]
    ]


def _merged(existing: list[dict], before: dict[str, str], after: dict[str, str]) -> list[dict]:
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


def event_merge_changes(*, event: Event, before: dict[str, str], after: dict[str, str]) -> Event:
    """Add the changes from `before` to `after` to the published `event`'s changes since
    validation and save them: it enters the DITP queue as "changed since validation" (or
    leaves it, when every field is back to its validated value). In the writer's transaction."""
    event.changed_fields = _merged(event.changed_fields, before, after)
    event.changed_since_validation = bool(event.changed_fields)
    event.save(update_fields=["changed_fields", "changed_since_validation", "updated_at"])
    return event
