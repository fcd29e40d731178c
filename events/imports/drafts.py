"""From an `ImportedEvent` to a draft: `event_fields`, the ONE mapping of a source onto the
event's fields, and `events_import`, which saves the drafts through the organiser's write
services, all or nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from moisinno.formatting import french_date
from moisinno.text import fold
from organizers.models import Organization

from .. import states
from ..editing import event_create, event_update
from ..eligibility import eligibility_errors
from ..enums import AttendanceMode, RegistrationMode
from ..models import Edition, Event
from ..sessions import SessionData
from .sources import ImportedEvent, ImportedPlace, ImportedSession, ImportRefused

_SOURCE_URL_MAX = Event._meta.get_field("import_url").max_length

# --- The one mapping onto our fields -------------------------------------------------------------


def event_fields(imported: ImportedEvent) -> tuple[dict, list[SessionData], list[str]]:
    """The event's fields, its sessions and what they are (French, for the organiser's notice)
    from an imported event: the ONE place where a source meets our fields. Only what the source
    gives is returned, so a re-import keeps what the organiser completed since."""
    fields: dict = {"title": imported.title}
    labels = ["le titre"]
    if imported.summary:
        fields["summary"] = imported.summary
        labels.append("le résumé")
    if imported.description:
        fields["description"] = imported.description
        labels.append("la description")
    sessions: list[SessionData] = []
    modes = set()
    for session in imported.sessions:
        mode, place, online_url = _session_where(imported, session)
        data: SessionData = {
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
        }
        if mode:
            data["attendance_mode"] = mode
            modes.add(mode)
        if place and mode != AttendanceMode.ONLINE:
            data.update(
                venue_name=place.venue_name,
                address=place.address,
                postal_code=place.postal_code,
                city=place.city,
                department=place.department,
            )
        if online_url and mode != AttendanceMode.IN_PERSON:
            # Kept private: the organiser chooses to show it (« Afficher le lien publiquement »).
            data["online_url"] = online_url
        sessions.append(data)
    if modes:
        labels.append(
            "la modalité de chaque séance ("
            + ", ".join(AttendanceMode(mode).label.lower() for mode in sorted(modes))
            + ")"
        )
    if any(data.get("city") or data.get("address") for data in sessions):
        labels.append("le lieu")
    if any(data.get("online_url") for data in sessions):
        labels.append("le lien de connexion (privé tant que vous ne l’affichez pas)")
    if imported.registration_url:
        fields.update(
            registration_mode=RegistrationMode.LINK, registration_url=imported.registration_url
        )
        labels.append("le lien d’inscription")
    elif imported.registration_email:
        fields.update(
            registration_mode=RegistrationMode.EMAIL,
            registration_email=imported.registration_email,
        )
        labels.append("le courriel d’inscription")
    if imported.accessibility:
        fields.update(imported.accessibility)
        labels.append("l’accessibilité")
    if sessions:
        count = len(sessions)
        labels.append(
            f"{count} séance{'s' if count > 1 else ''} ({french_date(sessions[0]['date'])}"
            + (f" → {french_date(sessions[-1]['date'])})" if count > 1 else ")")
        )
    return fields, sessions, labels


def _session_where(
    imported: ImportedEvent, session: ImportedSession
) -> tuple[str, ImportedPlace | None, str]:
    """(mode, place, online link) of an imported session: its own calendar entry's, else the
    event's; the mode deduced from the place and the link when the source does not say."""
    own = bool(session.attendance_mode or session.place or session.online_url)
    mode = session.attendance_mode if own else imported.attendance_mode
    place = session.place if own else (imported.place or None)
    online_url = session.online_url if own else imported.online_url
    if not mode and place and online_url:
        mode = AttendanceMode.HYBRID
    elif not mode and online_url:
        mode = AttendanceMode.ONLINE
    elif not mode and place:
        mode = AttendanceMode.IN_PERSON
    return mode, place, online_url


# --- Saving --------------------------------------------------------------------------------------


def source_url_for_storage(url: str) -> str:
    """The source URL as kept on the event: without API keys or tokens, "" if too long."""
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if fold(name) not in {"key", "api_key", "apikey", "token", "access_token"}
    ]
    cleaned = urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    return cleaned if len(cleaned) <= _SOURCE_URL_MAX else ""


@dataclass
class ImportOutcome:
    """What became of one imported event."""

    title: str
    event: Event | None = None
    created: bool = False
    imported: list[str] = field(default_factory=list)  # what was taken from the source
    to_complete: list[str] = field(default_factory=list)  # what submission still needs
    notes: list[str] = field(default_factory=list)
    refused: str = ""  # why an existing event was left untouched


def event_from_import(
    *, organization: Organization, edition: Edition, user: AbstractBaseUser, imported: ImportedEvent
) -> ImportOutcome:
    """Create the draft of an imported event, or update the draft of an earlier import of the
    same source event; an event no longer a draft is left untouched (`refused` says why).

    Goes through `event_create` / `event_update` (ownership, referencing window, rate limit:
    PermissionDenied, ReferencingClosed, EventRateLimited). Call it in a transaction."""
    fields, sessions, labels = event_fields(imported)
    outcome = ImportOutcome(title=imported.title, imported=labels, notes=list(imported.notes))
    existing = (
        Event.objects.filter(
            edition=edition,
            organization=organization,
            import_source=imported.source,
            import_uid=imported.uid,
        )
        .select_related("edition")
        .first()
    )
    if existing is not None and not states.is_draft(existing):
        outcome.event = existing
        outcome.refused = (
            f"« {existing.title} » a déjà été importé et n’est plus un brouillon "
            f"(« {existing.get_status_display().lower()} ») : l’import ne le modifie pas. "
            "Modifiez-le depuis votre espace si besoin."
        )
        return outcome
    if existing is None:
        event = event_create(
            organization=organization, edition=edition, user=user, fields=fields, sessions=sessions
        )
        outcome.created = True
    else:
        event = event_update(event=existing, user=user, fields=fields, sessions=sessions)
    origin = {
        "import_source": imported.source,
        "import_uid": imported.uid,
        "import_url": source_url_for_storage(imported.source_url) if imported.source_url else "",
    }
    if existing is not None and not origin["import_url"]:
        origin.pop("import_url")  # a file re-imported: keep the URL of an earlier fetch
    Event.objects.filter(pk=event.pk).update(**origin)
    for name, value in origin.items():
        setattr(event, name, value)
    outcome.event = event
    outcome.to_complete = eligibility_errors(event, user=user)
    return outcome


def events_import(
    *,
    organization: Organization,
    edition: Edition,
    user: AbstractBaseUser,
    imported: Iterable[ImportedEvent],
) -> list[ImportOutcome]:
    """Import events as drafts of `organization`, all or nothing (one transaction)."""
    try:
        with transaction.atomic():
            return [
                event_from_import(
                    organization=organization, edition=edition, user=user, imported=item
                )
                for item in imported
            ]
    except IntegrityError:  # the same source event imported twice at once
        raise ImportRefused(
            "Le même événement est en cours d’import par ailleurs : réessayez dans un instant."
        ) from None
