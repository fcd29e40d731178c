"""The programme as open data: one CSV row per session, and its Table Schema (Frictionless).

The file the DITP publishes on data.gouv.fr under the Licence Ouverte 2.0. UTF-8 with a byte
order mark, so that spreadsheet software keeps the accents; comma-separated, quoted where
needed (RFC 4180); multiple values (labs, themes, accessibility) separated by " | ".
The column names are stable and English; `SCHEMA` describes each one in French.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone

from events.enums import ACCESSIBILITY_FEATURES, AttendanceMode, Audience, EventStatus
from events.models import Event
from events.states import PUBLIC_STATUS_CHOICES, STATES
from moisinno.geography import department_name
from organizers.enums import OrganizationKind
from registrations.availability import CLOSED, FULL, OPEN, WAITING_LIST

from ..seats import session_seats
from ..structured_data import absolute_url, local_moment

BOM = "\ufeff"
SEPARATOR = " | "
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _choices(enum) -> list[str]:
    return [str(value) for value in enum.values]


# (name, Table Schema type, French title, French description, extra properties)
COLUMNS: list[tuple[str, str, str, str, dict]] = [
    ("event_id", "integer", "Identifiant de l’événement", "Stable d’une année sur l’autre.", {}),
    ("session_id", "integer", "Identifiant de la séance", "Une ligne par séance.", {}),
    ("url", "string", "Page de l’événement", "Adresse de sa page publique.", {"format": "uri"}),
    ("title", "string", "Titre", "", {}),
    ("summary", "string", "Résumé", "", {}),
    ("organizer", "string", "Organisateur", "L’organisation qui porte l’événement.", {}),
    (
        "organizer_kind",
        "string",
        "Type d’organisateur",
        "; ".join(f"{value} : {label}" for value, label in OrganizationKind.choices),
        {"constraints": {"enum": _choices(OrganizationKind)}},
    ),
    ("co_organizers", "string", "Co-organisateurs", "Séparés par « | ».", {}),
    ("labs", "string", "Laboratoires d’innovation", "Séparés par « | ».", {}),
    ("format", "string", "Format", "Atelier, conférence, webinaire…", {}),
    ("themes", "string", "Thématiques", "Séparées par « | ».", {}),
    (
        "attendance_mode",
        "string",
        "Modalité",
        "; ".join(f"{value} : {label}" for value, label in AttendanceMode.choices),
        {"constraints": {"required": True, "enum": _choices(AttendanceMode)}},
    ),
    ("region_code", "string", "Code de la région", "Code officiel géographique (INSEE).", {}),
    ("region", "string", "Région", "", {}),
    ("department_code", "string", "Code du département", "Code officiel géographique.", {}),
    ("department", "string", "Département", "", {}),
    ("city", "string", "Commune", "", {}),
    ("postal_code", "string", "Code postal", "", {}),
    ("address", "string", "Adresse", "", {}),
    ("venue", "string", "Lieu", "", {}),
    ("date", "date", "Date de la séance", "AAAA-MM-JJ.", {"constraints": {"required": True}}),
    (
        "start",
        "datetime",
        "Début",
        "ISO 8601 avec le décalage horaire de Paris ; vide si l’heure n’est pas connue.",
        {"format": "any"},
    ),
    (
        "end",
        "datetime",
        "Fin",
        "ISO 8601 avec le décalage horaire de Paris ; vide si l’heure n’est pas connue.",
        {"format": "any"},
    ),
    ("online_url", "string", "Lien en ligne", "Lien de connexion ou de diffusion.", {}),
    ("registration", "string", "Inscription", "Sans inscription, en ligne ou par courriel.", {}),
    ("registration_url", "string", "Lien d’inscription", "", {}),
    ("registration_email", "string", "Courriel d’inscription", "", {}),
    ("is_free", "boolean", "Gratuit", "", {"trueValues": ["true"], "falseValues": ["false"]}),
    ("is_full", "boolean", "Complet", "", {"trueValues": ["true"], "falseValues": ["false"]}),
    ("accessibility", "string", "Accessibilité", "Aides proposées, séparées par « | ».", {}),
    (
        "audience",
        "string",
        "Public visé",
        "; ".join(f"{value} : {label}" for value, label in Audience.choices),
        {"constraints": {"enum": _choices(Audience)}},
    ),
    (
        "status",
        "string",
        "Statut",
        "published : publié ; cancelled : annulé.",
        {"constraints": {"required": True, "enum": [EventStatus.PUBLISHED, EventStatus.CANCELLED]}},
    ),
    (
        "event_status",
        "string",
        "État",
        "; ".join(f"{key} : {label.lower()}" for key, label in PUBLIC_STATUS_CHOICES)
        + " (eventStatus de schema.org).",
        {"constraints": {"required": True, "enum": [key for key, _ in PUBLIC_STATUS_CHOICES]}},
    ),
    (
        "openagenda_status",
        "integer",
        "État (code OpenAgenda)",
        "Valeur du champ « status » d’OpenAgenda : "
        + "; ".join(f"{s.openagenda} : {s.label.lower()}" for s in STATES.values())
        + ".",
        {"constraints": {"required": True, "minimum": 1, "maximum": 6}},
    ),
    (
        "event_status_message",
        "string",
        "Message sur l’état",
        "Le motif d’une annulation, d’un report…",
        {},
    ),
    ("published_at", "datetime", "Publié le", "ISO 8601.", {"format": "any"}),
    ("updated_at", "datetime", "Modifié le", "ISO 8601.", {"format": "any"}),
    # The session's own mode and place (the columns above are the event's, derived from its
    # sessions: kept for existing users of the file).
    (
        "session_attendance_mode",
        "string",
        "Modalité de la séance",
        "; ".join(f"{value} : {label}" for value, label in AttendanceMode.choices),
        {"constraints": {"required": True, "enum": _choices(AttendanceMode)}},
    ),
    ("session_venue", "string", "Lieu de la séance", "", {}),
    ("session_address", "string", "Adresse de la séance", "", {}),
    ("session_postal_code", "string", "Code postal de la séance", "", {}),
    ("session_city", "string", "Commune de la séance", "", {}),
    ("session_department_code", "string", "Code du département de la séance", "", {}),
    (
        "session_online_url",
        "string",
        "Lien en ligne de la séance",
        "Vide tant que l’organisateur ne l’a pas rendu public.",
        {},
    ),
    # On-platform registration (registration « Inscription sur la plateforme »): the session's
    # seats, counts only; empty for the other modes.
    (
        "session_registration_state",
        "string",
        "Inscriptions à la séance",
        "open : des places restent ; waiting_list : complet, liste d’attente ouverte ; "
        "full : complet ; closed : inscriptions closes. Vide hors inscription sur la "
        "plateforme.",
        {"constraints": {"enum": [OPEN, WAITING_LIST, FULL, CLOSED]}},
    ),
    (
        "session_capacity",
        "integer",
        "Places de la séance",
        "Vide : sans limite, ou hors inscription sur la plateforme.",
        {"constraints": {"minimum": 1}},
    ),
    (
        "session_seats_left",
        "integer",
        "Places restantes",
        "Vide : sans limite, ou hors inscription sur la plateforme.",
        {"constraints": {"minimum": 0}},
    ),
    (
        "session_waiting_list",
        "boolean",
        "Liste d’attente",
        "Une liste d’attente est prévue quand la séance est complète.",
        {"trueValues": ["true"], "falseValues": ["false"]},
    ),
    (
        "session_waiting",
        "integer",
        "Personnes en liste d’attente",
        "",
        {"constraints": {"minimum": 0}},
    ),
]

FIELD_NAMES = [name for name, *_ in COLUMNS]


def table_schema(*, schema_url: str) -> dict:
    """The Table Schema (https://specs.frictionlessdata.io/table-schema/) of the CSV."""
    fields = []
    for name, kind, title, description, extra in COLUMNS:
        field = {"name": name, "type": kind, "title": title}
        if description:
            field["description"] = description.replace(" :", "\u00a0:").replace(" ;", "\u202f;")
        field.update(extra)
        fields.append(field)
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "programme-mois-innovation-publique",
        "title": "Programme du Mois de l’innovation publique — une ligne par séance",
        "description": (
            "Les événements publics du programme, une ligne par séance. Publié par la DITP "
            "sous Licence Ouverte 2.0."
        ),
        "path": schema_url,
        "licenses": [LICENCE],
        "fields": fields,
        "primaryKey": ["session_id"],
        "missingValues": [""],
    }


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _iso(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def event_rows(event: Event) -> Iterator[list[str]]:
    """The rows of an event's sessions (its sessions, labs, themes and co-organisers fetched)."""
    url = absolute_url(event.get_absolute_url())
    common = {
        "event_id": event.pk,
        "url": url,
        "title": event.title,
        "summary": event.summary,
        "organizer": event.organization.name,
        "organizer_kind": event.organization.kind,
        "co_organizers": SEPARATOR.join(o.name for o in event.co_organizers.all()),
        "labs": SEPARATOR.join(lab.name for lab in event.labs.all()),
        "format": event.format.name if event.format else "",
        "themes": SEPARATOR.join(theme.name for theme in event.themes.all()),
        "attendance_mode": event.attendance_mode,
        "region_code": event.region,
        "region": event.region_name,
        "department_code": event.department,
        "department": department_name(event.department),
        "city": event.city,
        "postal_code": event.postal_code,
        "address": event.address,
        "venue": event.venue_name,
        "online_url": event.online_url,
        "registration": event.get_registration_mode_display(),
        "registration_url": event.registration_url,
        "registration_email": event.registration_email,
        "is_free": _bool(event.is_free),
        "is_full": _bool(event.is_full),
        "accessibility": SEPARATOR.join(
            label for name, label in ACCESSIBILITY_FEATURES.items() if getattr(event, name)
        ),
        "audience": event.audience,
        "status": event.status,
        "event_status": event.public_status.key,
        "openagenda_status": event.public_status.openagenda,
        "event_status_message": event.public_status_message,
        "published_at": _iso(event.published_at),
        "updated_at": _iso(event.updated_at),
    }
    for session in event.sessions.all():
        row = {
            **common,
            "session_id": session.pk,
            "date": session.date.isoformat(),
            "start": local_moment(session.date, session.start_time) or "",
            "end": local_moment(session.date, session.end_time) or "",
            "session_attendance_mode": session.attendance_mode,
            "session_venue": session.venue_name,
            "session_address": session.address,
            "session_postal_code": session.postal_code,
            "session_city": session.city,
            "session_department_code": session.department,
            "session_online_url": session.public_online_url,
            **_session_seats(session),
        }
        yield [str(row[name]) for name in FIELD_NAMES]


_NO_SEATS = {
    "session_registration_state": "",
    "session_capacity": "",
    "session_seats_left": "",
    "session_waiting_list": "",
    "session_waiting": "",
}


def _session_seats(session) -> dict:
    """The seat columns of a session (programme/seats.py): counts only, never a name."""
    seats = session_seats(session)
    if seats is None:
        return _NO_SEATS
    return {
        "session_registration_state": seats.state,
        "session_capacity": "" if session.capacity is None else session.capacity,
        "session_seats_left": "" if seats.seats_left is None else seats.seats_left,
        "session_waiting_list": _bool(session.waiting_list),
        "session_waiting": seats.waiting,
    }


class _Echo:
    """A file-like object whose `write` returns what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(events: Iterable[Event]) -> Iterator[str]:
    """The CSV, line by line, starting with the byte order mark and the header."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM + writer.writerow(FIELD_NAMES)
    for event in events:
        for row in event_rows(event):
            yield writer.writerow(row)
