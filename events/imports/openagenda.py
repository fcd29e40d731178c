"""Parse one OpenAgenda event, from its public JSON (the API's `{"event": …}` or the event
itself), into an `ImportedEvent`.
"""

import datetime
import json
import re

from ..enums import AttendanceMode, ImportSource
from ..models import Event
from .cleaning import (
    department_named,
    department_of_postal_code,
    email_address,
    plain_text,
    source_uid,
    web_url,
)
from .sources import (
    MAX_SESSIONS,
    PARIS,
    TITLE_MAX,
    ImportedEvent,
    ImportedPlace,
    ImportRefused,
    check_sessions,
    french_number,
    sessions_between,
    source_text,
)

_SUMMARY_MAX = Event._meta.get_field("summary").max_length

NOT_OPENAGENDA = (
    "Ce contenu n’est pas un événement OpenAgenda : collez le JSON de l’événement tel que "
    "l’API OpenAgenda le fournit (avec ses champs uid, title et timings)."
)

#: OpenAgenda's attendanceMode: 1 on site, 2 online, 3 both.
_OPENAGENDA_MODES = {
    1: AttendanceMode.IN_PERSON,
    2: AttendanceMode.ONLINE,
    3: AttendanceMode.HYBRID,
}
#: OpenAgenda's accessibility codes: only a motor impairment maps onto one of our features.
_OPENAGENDA_ACCESSIBILITY = {
    "hi": "handicap auditif",
    "vi": "handicap visuel",
    "pi": "handicap psychique",
    "mi": "handicap moteur",
    "ii": "handicap intellectuel",
}


def _multilingual(value) -> str:
    """OpenAgenda's {"fr": …, "en": …}: the French text, else the first one given."""
    if isinstance(value, dict):
        value = value.get("fr") or next((v for v in value.values() if isinstance(v, str)), "")
    return value if isinstance(value, str) else ""


def _openagenda_moment(value, title: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise ImportRefused(
            f"« {title} » : l’horaire « {plain_text(value, one_line=True)[:40]} » n’est pas "
            "une date valide."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    if not 2000 <= moment.year <= 2100:
        raise ImportRefused(f"« {title} » : l’année {moment.year} n’est pas vraisemblable.")
    return moment.astimezone(PARIS)


def parse_openagenda(data: bytes | str, *, source_url: str = "") -> ImportedEvent:
    """One OpenAgenda event, from its public JSON (the API's `{"event": …}` or the event
    itself). ImportRefused when it is not one."""
    text = source_text(data)
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise ImportRefused(
            "Ce contenu n’est pas du JSON valide : collez le JSON de l’événement tel "
            "qu’OpenAgenda le fournit."
        ) from None
    if isinstance(payload, dict) and isinstance(payload.get("event"), dict):
        payload = payload["event"]
    elif isinstance(payload, dict) and isinstance(payload.get("events"), list):
        if len(payload["events"]) != 1:
            raise ImportRefused(
                f"Ce JSON contient {french_number(len(payload['events']))} événements : "
                "importez-en un à la fois (l’adresse ou le JSON d’un seul événement)."
            )
        payload = payload["events"][0]
    if (
        not isinstance(payload, dict)
        or not str(payload.get("uid", "")).strip()
        or not isinstance(payload.get("timings"), list)
    ):
        raise ImportRefused(NOT_OPENAGENDA)

    title = plain_text(_multilingual(payload.get("title")), one_line=True, max_length=TITLE_MAX)
    imported = ImportedEvent(
        source=ImportSource.OPENAGENDA,
        uid=source_uid(str(payload["uid"])),
        source_url=source_url,
        title=title or "Événement importé",
        summary=plain_text(
            _multilingual(payload.get("description")), one_line=True, max_length=_SUMMARY_MAX
        ),
        description=plain_text(_multilingual(payload.get("longDescription"))),
    )
    if not title:
        imported.notes.append("OpenAgenda ne donnait pas de titre : donnez-en un.")
    conditions = plain_text(_multilingual(payload.get("conditions")))
    if conditions:
        imported.description = "\n\n".join(
            part for part in [imported.description, f"Conditions : {conditions}"] if part
        )

    if len(payload["timings"]) > MAX_SESSIONS:
        raise ImportRefused(
            f"« {imported.title} » a {french_number(len(payload['timings']))} horaires : "
            f"l’import en accepte {MAX_SESSIONS} au plus."
        )
    for timing in payload["timings"]:
        if not isinstance(timing, dict) or "begin" not in timing:
            raise ImportRefused(NOT_OPENAGENDA)
        begin = _openagenda_moment(timing["begin"], imported.title)
        end = _openagenda_moment(timing["end"], imported.title) if timing.get("end") else None
        imported.sessions.extend(sessions_between(begin, end, imported.title, imported.notes))
    if not imported.sessions:
        imported.notes.append("OpenAgenda ne donnait aucun horaire : ajoutez les séances.")
    check_sessions(imported)

    mode = payload.get("attendanceMode")
    if isinstance(mode, dict):
        mode = mode.get("id")
    imported.attendance_mode = _OPENAGENDA_MODES.get(mode, "") if isinstance(mode, int) else ""
    location = payload.get("location")
    if isinstance(location, dict) and imported.attendance_mode != AttendanceMode.ONLINE:
        postal_code = plain_text(location.get("postalCode"), one_line=True)[:10]
        city = plain_text(location.get("city"), one_line=True, max_length=120)
        address = plain_text(location.get("address"), one_line=True)
        # OpenAgenda's address usually ends with the postal code and the city.
        address = (
            re.sub(
                rf",?\s*{re.escape(postal_code)}\s+{re.escape(city)}\s*(,\s*France)?\s*$",
                "",
                address,
                flags=re.IGNORECASE,
            )
            if postal_code and city
            else address
        )
        imported.place = ImportedPlace(
            venue_name=plain_text(location.get("name"), one_line=True, max_length=200),
            address=address[:300],
            postal_code=postal_code,
            city=city,
            department=department_of_postal_code(postal_code)
            or department_named(plain_text(location.get("department"), one_line=True)),
        )
        country = plain_text(location.get("countryCode"), one_line=True).upper()
        if country and country != "FR":
            imported.notes.append(
                f"Le lieu indiqué sur OpenAgenda est hors de France ({country}) : vérifiez-le."
            )
    imported.online_url = web_url(payload.get("onlineAccessLink"))
    if payload.get("onlineAccessLink") and not imported.online_url:
        imported.notes.append("Le lien d’accès en ligne d’OpenAgenda n’est pas une adresse web.")

    for entry in payload.get("registration") or []:
        value = entry.get("value") if isinstance(entry, dict) else entry
        kind = entry.get("type") if isinstance(entry, dict) else ""
        if kind in {"link", ""} and not imported.registration_url:
            imported.registration_url = web_url(value)
        if kind in {"email", ""} and not imported.registration_email:
            imported.registration_email = email_address(value)
        if kind == "phone":
            phone = plain_text(value, one_line=True)[:30]
            imported.notes.append(
                f"OpenAgenda indiquait une inscription par téléphone ({phone}) : le programme "
                "propose un lien ou un courriel d’inscription."
            )

    accessibility = payload.get("accessibility")
    if isinstance(accessibility, list):
        accessibility = {code: True for code in accessibility if isinstance(code, str)}
    if isinstance(accessibility, dict):
        declared = [code for code, on in accessibility.items() if on is True]
        if "mi" in declared:
            imported.accessibility["accessible_wheelchair"] = True
        others = [
            _OPENAGENDA_ACCESSIBILITY[c]
            for c in declared
            if c in _OPENAGENDA_ACCESSIBILITY and c != "mi"
        ]
        if others:
            imported.notes.append(
                f"OpenAgenda déclare des aménagements pour : {', '.join(others)}. Précisez "
                "lesquels dans la rubrique « Accessibilité »."
            )
    status = payload.get("status")
    if isinstance(status, dict):
        status = status.get("id")
    # A draft is simply to be held: the states of a published event (events/schedule.py) are
    # declared once it is published, so OpenAgenda's are only reported.
    states = {2: "reprogrammé", 3: "déplacé en ligne", 4: "reporté", 5: "complet", 6: "annulé"}
    if status in states:
        imported.notes.append(
            f"OpenAgenda signale cet événement comme « {states[status]} »\u00a0: vérifiez-le. "
            "Une fois l’événement publié, vous pourrez déclarer son état depuis votre espace."
        )
    return imported
