"""Parse an iCalendar file (.ics) into `ImportedEvent`s: one per UID, a recurring VEVENT and
its overrides making one event with several sessions; or the whole calendar as the sessions
of one event (`as_sessions_of_one_event`).
"""

import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field

import icalendar
from dateutil import rrule as dateutil_rrule
from django.conf import settings

from moisinno.text import fold

from ..enums import AttendanceMode, ImportSource
from .cleaning import department_of_postal_code, plain_text, source_uid, web_url
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

NOT_ICALENDAR = (
    "Ce fichier n’est pas un calendrier iCalendar (.ics) : exportez l’événement ou l’agenda "
    "depuis votre logiciel de calendrier (fichier .ics), puis importez ce fichier."
)


@dataclass
class ParsedCalendar:
    events: list[ImportedEvent]
    notes: list[str] = field(default_factory=list)


_POSTAL_CITY = re.compile(r"^(?P<before>.*?)\b(?P<code>\d{5})\s+(?P<city>[^,\d][^,]*)$")
_ONLINE_WORDS = re.compile(
    r"\b(microsoft teams|teams|zoom|webex|google meet|visio|visioconf[ée]rence|en ligne|"
    r"webinaire|webinar|online)\b",
    re.IGNORECASE,
)
_MEETING_URL = re.compile(
    r"https://(?:teams\.microsoft\.com/l/meetup-join|teams\.live\.com/meet|meet\.google\.com|"
    r"[\w.-]*zoom\.us/j|[\w.-]*webex\.com/(?:meet|join)|webinaire\.numerique\.gouv\.fr|"
    r"visio\.[\w.-]+\.gouv\.fr)[^\s<>\"')\]]*",
    re.IGNORECASE,
)


def place_from_text(text: str) -> ImportedPlace:
    """ "Préfecture, 3 avenue de la Préfecture, 35000 Rennes, France" → its parts."""
    parts = [
        part.strip()
        for part in re.split(r"[,\n;]", text)
        if part.strip() and fold(part.strip()) != "france"
    ]
    place = ImportedPlace()
    for index, part in enumerate(parts):
        match = _POSTAL_CITY.match(part)
        if match:
            place.postal_code = match["code"]
            place.city = plain_text(match["city"], one_line=True, max_length=120)
            before = (
                [*parts[:index], match["before"].strip()]
                if match["before"].strip()
                else parts[:index]
            )
            break
    else:
        before = parts
    # The first part names the place unless it is the street ("3 avenue…"); a lone part is
    # the street when a city follows it.
    if before and not before[0][:1].isdigit() and (len(before) > 1 or not place.city):
        place.venue_name = before[0]
        before = before[1:]
    place.venue_name = plain_text(place.venue_name, one_line=True, max_length=200)
    place.address = plain_text(", ".join(before), one_line=True, max_length=300)
    place.department = department_of_postal_code(place.postal_code)
    return place


def _title_of(vevent) -> str:
    return plain_text(vevent.get("SUMMARY"), one_line=True, max_length=TITLE_MAX)


def _raw_value(value) -> str:
    if isinstance(value, str):
        return str.__str__(value)
    try:
        return value.to_ical().decode(errors="replace")
    except Exception:  # whatever icalendar holds, only shown in a message
        return ""


def _moment(vevent, name: str, title: str):
    """DTSTART / DTEND / RECURRENCE-ID as a date or a Paris-aware datetime (floating times are
    Paris time); None when absent; ImportRefused when unreadable."""
    value = vevent.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    try:
        moment = value.dt
    except Exception:  # icalendar's vBroken: an unreadable date
        raw = plain_text(_raw_value(value), one_line=True)[:40]
        raise ImportRefused(
            f"« {title} » : « {raw} » n’est pas une date valide. Corrigez-la dans votre "
            "calendrier, puis exportez-le à nouveau."
        ) from None
    if isinstance(moment, datetime.datetime):
        moment = moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment
        moment = moment.astimezone(PARIS)
    elif not isinstance(moment, datetime.date):
        raise ImportRefused(f"« {title} » : sa date n’est pas une date valide.")
    if not 2000 <= moment.year <= 2100:
        raise ImportRefused(f"« {title} » : l’année {moment.year} n’est pas vraisemblable.")
    return moment


def _comparable(moment):
    """A date or a Paris-naive datetime, to match EXDATE and RECURRENCE-ID with occurrences."""
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(PARIS)
        return moment.replace(tzinfo=None)
    return moment


def _exdates(vevent) -> set:
    values = vevent.get("EXDATE")
    if values is None:
        return set()
    excluded = set()
    for item in values if isinstance(values, list) else [values]:
        for entry in getattr(item, "dts", []):
            moment = entry.dt
            if isinstance(moment, datetime.datetime) and moment.tzinfo is None:
                moment = moment.replace(tzinfo=PARIS)
            excluded.add(_comparable(moment))
    return excluded


def _occurrences(vevent, start, end, title: str) -> list[tuple]:
    """(start, end) of each occurrence: RRULE expanded (bounded ones only), EXDATE removed."""
    rule = vevent.get("RRULE")
    if rule is None:
        return [(start, end)]
    if isinstance(rule, list):
        rule = rule[0]
    if "COUNT" not in rule and "UNTIL" not in rule:
        raise ImportRefused(
            f"« {title} » se répète sans fin : l’import ne peut pas en déduire les séances. "
            "Donnez une fin à la répétition dans votre calendrier (une date ou un nombre de "
            "fois), ou saisissez les séances dans le formulaire."
        )
    all_day = not isinstance(start, datetime.datetime)
    dtstart = datetime.datetime.combine(start, datetime.time()) if all_day else start
    rule = icalendar.vRecur(dict(rule))
    if "UNTIL" in rule:
        until = rule["UNTIL"][0] if isinstance(rule["UNTIL"], list) else rule["UNTIL"]
        if not isinstance(until, datetime.datetime):
            until = datetime.datetime.combine(until, datetime.time(23, 59, 59))
        if all_day:
            until = _comparable(until)
        elif until.tzinfo is None:
            until = until.replace(tzinfo=PARIS)
        rule["UNTIL"] = [until]
    try:
        expanded = dateutil_rrule.rrulestr(rule.to_ical().decode(), dtstart=dtstart)
        starts = list(itertools.islice(expanded, MAX_SESSIONS + 1))
    except (ValueError, TypeError, KeyError, OverflowError):
        raise ImportRefused(
            f"« {title} » : sa règle de répétition (RRULE) est illisible. Corrigez-la dans votre "
            "calendrier, ou saisissez les séances dans le formulaire."
        ) from None
    if len(starts) > MAX_SESSIONS:
        raise ImportRefused(
            f"« {title} » se répète plus de {MAX_SESSIONS} fois : l’import en accepte "
            f"{MAX_SESSIONS} au plus."
        )
    duration = (end - start) if end is not None and type(end) is type(start) else None
    excluded = _exdates(vevent)
    occurrences = []
    for moment in starts:
        occurrence = moment.date() if all_day else moment.astimezone(PARIS)
        if _comparable(occurrence) in excluded:
            continue
        occurrences.append((occurrence, occurrence + duration if duration else None))
    return occurrences


_CONFERENCE_PROPERTIES = (
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
)


def _event_from_vevents(
    uid: str, master, overrides: list, *, source_url: str, notes: list[str]
) -> ImportedEvent | None:
    """One source event: a VEVENT, its recurrences and their overrides (RECURRENCE-ID)."""
    main = master if master is not None else overrides[0]
    title = _title_of(main) or "Événement importé"
    imported = ImportedEvent(source=ImportSource.ICS, uid=uid, source_url=source_url, title=title)
    if not _title_of(main):
        imported.notes.append("Le calendrier ne donnait pas de titre : donnez-en un.")
    occurrences: dict = {}
    if master is not None:
        if fold(str(master.get("STATUS", ""))) == "cancelled":
            notes.append(f"« {title} » est annulé dans le calendrier : il n’est pas importé.")
            return None
        start = _moment(master, "DTSTART", title)
        if start is None:
            raise ImportRefused(f"« {title} » n’a pas de date de début (DTSTART).")
        end = _moment(master, "DTEND", title)
        if end is None and master.get("DURATION") is not None:
            try:
                end = start + master.decoded("DURATION")
            except Exception:  # icalendar's vBroken: an unreadable duration
                raise ImportRefused(f"« {title} » : sa durée (DURATION) est illisible.") from None
        for occurrence_start, occurrence_end in _occurrences(master, start, end, title):
            occurrences[_comparable(occurrence_start)] = (occurrence_start, occurrence_end)
    for override in overrides:
        recurrence = _moment(override, "RECURRENCE-ID", title)
        if recurrence is not None:
            occurrences.pop(_comparable(recurrence), None)
        if fold(str(override.get("STATUS", ""))) == "cancelled":
            continue
        start = _moment(override, "DTSTART", title)
        if start is not None:
            occurrences[_comparable(start)] = (start, _moment(override, "DTEND", title))
    for occurrence_start, occurrence_end in occurrences.values():
        imported.sessions.extend(
            sessions_between(occurrence_start, occurrence_end, title, imported.notes)
        )
    if not imported.sessions:
        notes.append(f"« {title} » n’a plus aucune date dans le calendrier : il n’est pas importé.")
        return None

    imported.description = plain_text(main.get("DESCRIPTION"))
    location = plain_text(main.get("LOCATION"), one_line=False)
    online = next(
        (url for url in (web_url(main.get(name)) for name in _CONFERENCE_PROPERTIES) if url), ""
    )
    if location:
        location_url = web_url(location)
        if location_url:
            online = online or location_url
        elif _ONLINE_WORDS.search(location) and not re.search(r"\d{5}", location):
            imported.attendance_mode = AttendanceMode.ONLINE
        else:
            imported.place = place_from_text(location)
    if not online:
        match = _MEETING_URL.search(imported.description)
        online = web_url(match.group(0)) if match else ""
    imported.online_url = online
    for session in imported.sessions:  # each session remembers where its calendar entry is
        session.attendance_mode = imported.attendance_mode
        session.place = imported.place if imported.place else None
        session.online_url = online
    page = web_url(main.get("URL"))
    if page:
        imported.notes.append(
            f"Le calendrier indiquait la page {page} : s’il s’agit du lien d’inscription, "
            "reportez-le dans la rubrique « Inscription »."
        )
    return imported


def parse_ics(data: bytes | str, *, source_url: str = "") -> ParsedCalendar:
    """The events of an iCalendar file, one `ImportedEvent` per UID (a recurring VEVENT and
    its overrides make one event with several sessions). ImportRefused when the file is not
    iCalendar, holds too many events, or has a date that cannot be read."""
    text = source_text(data)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise ImportRefused(NOT_ICALENDAR)
    count = text.upper().count("BEGIN:VEVENT")
    if count == 0:
        raise ImportRefused("Ce calendrier ne contient aucun événement (aucun VEVENT).")
    if count > settings.IMPORT_MAX_EVENTS:
        raise ImportRefused(
            f"Ce calendrier contient {french_number(count)} événements : l’import en accepte "
            f"{settings.IMPORT_MAX_EVENTS} au plus. Exportez seulement les événements du Mois "
            "de l’innovation publique."
        )
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # a third-party parser on hostile input: any failure means "not iCal"
        raise ImportRefused(NOT_ICALENDAR) from None
    groups: dict[str, list] = {}
    for vevent in calendar.walk("VEVENT"):
        raw_uid = str(vevent.get("UID", "")).strip()
        if not raw_uid:  # no UID: one from its content, so the same file imports the same
            raw_uid = "sans-uid:" + hashlib.sha256(vevent.to_ical()).hexdigest()[:32]
        groups.setdefault(source_uid(raw_uid), []).append(vevent)
    parsed = ParsedCalendar(events=[])
    for uid, vevents in groups.items():
        masters = [v for v in vevents if v.get("RECURRENCE-ID") is None]
        overrides = [v for v in vevents if v.get("RECURRENCE-ID") is not None]
        if len(masters) > 1:  # the same UID twice (a careless export): the first one counts
            overrides = []
        imported = _event_from_vevents(
            uid,
            masters[0] if masters else None,
            overrides,
            source_url=source_url,
            notes=parsed.notes,
        )
        if imported is not None:
            check_sessions(imported)
            parsed.events.append(imported)
    if not parsed.events:
        raise ImportRefused(
            "Aucun événement de ce calendrier ne peut être importé. " + " ".join(parsed.notes)
        )
    return parsed


def as_sessions_of_one_event(parsed: ParsedCalendar) -> ImportedEvent:
    """Every event of the calendar as a session of one event: the first one's content."""
    first = parsed.events[0]
    combined = ImportedEvent(**{**first.__dict__, "sessions": [], "notes": list(first.notes)})
    for imported in parsed.events:
        combined.sessions.extend(imported.sessions)
        if not combined.place and imported.place:
            combined.place = imported.place
        combined.online_url = combined.online_url or imported.online_url
        combined.notes.extend(note for note in imported.notes if note not in combined.notes)
    titles = {imported.title for imported in parsed.events}
    if len(titles) > 1:
        combined.notes.insert(
            0,
            f"Les {len(parsed.events)} événements du calendrier sont devenus les séances de "
            f"« {first.title} », le premier : son titre et sa description sont repris, "
            "chaque séance garde son lieu ou son lien.",
        )
    check_sessions(combined)
    return combined
