"""Import an event into a draft: from an iCalendar file (.ics) or an OpenAgenda event (JSON).

Three steps, each in one place:

1. **Parse** a source into `ImportedEvent`s (`parse_ics`, `parse_openagenda`): plain data,
   already cleaned (HTML stripped, lengths cut, URLs and e-mails checked, times in Paris).
   A broken or hostile source raises `ImportRefused` with a French message.
2. **Map** an `ImportedEvent` onto the event's fields: `event_fields`, the ONE mapping, whatever
   the source (when the place or the mode move to the sessions, only it changes).
3. **Save** through the organiser's write services (`event_create`, `event_update`: ownership,
   referencing window, rate limits, invariants, search text): `events_import`, in one
   transaction, so a refusal leaves nothing half-imported. The source and its identifier are
   kept on the event (`import_source`, `import_uid`, `import_url`): importing the same source
   event again updates its draft; an event no longer a draft is left untouched.

The result is always a draft, which the organiser reviews and submits to the DITP as usual.
"""

import datetime
import hashlib
import html
import itertools
import json
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import icalendar
from dateutil import rrule as dateutil_rrule
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from moisinno.formatting import french_date
from moisinno.geography import DEPARTMENTS
from moisinno.text import fold
from organizers.models import Organization

from . import workflow
from .editing import SessionData, event_create, event_update
from .eligibility import eligibility_errors
from .enums import AttendanceMode, ImportSource, RegistrationMode
from .models import Edition, Event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

#: The most sessions one imported event may have (recurrences and timings included): as many as
#: the organiser's form takes (`organizer_space.forms.sessions.SessionFormSet`, max_num), so
#: the draft stays editable.
MAX_SESSIONS = 30
#: The most days one VEVENT may span (one session per day).
MAX_DAYS = 31

_TITLE_MAX = Event._meta.get_field("title").max_length
_SUMMARY_MAX = Event._meta.get_field("summary").max_length
_URL_MAX = Event._meta.get_field("online_url").max_length
_SOURCE_URL_MAX = Event._meta.get_field("import_url").max_length
_UID_MAX = Event._meta.get_field("import_uid").max_length


class ImportRefused(Exception):
    """The source cannot be imported; the message says why, in French, to the organiser."""


# --- What a source gives -------------------------------------------------------------------------


@dataclass
class ImportedSession:
    date: datetime.date
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    # Where this session is, when its own calendar entry says (the events of a calendar
    # imported as the sessions of one: a webinar, then a workshop in Rennes); else the event's.
    attendance_mode: str = ""
    place: "ImportedPlace | None" = None
    online_url: str = ""


@dataclass
class ImportedPlace:
    venue_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    department: str = ""  # INSEE code, "" when unknown

    def __bool__(self) -> bool:
        return any([self.venue_name, self.address, self.postal_code, self.city])


@dataclass
class ImportedEvent:
    """One event as a source describes it, cleaned, before it meets our fields."""

    source: str  # ImportSource
    uid: str
    source_url: str = ""
    title: str = ""
    summary: str = ""
    description: str = ""
    attendance_mode: str = ""  # "" when the source does not say (deduced from place and link)
    place: ImportedPlace = field(default_factory=ImportedPlace)
    online_url: str = ""
    registration_url: str = ""
    registration_email: str = ""
    accessibility: dict[str, bool] = field(default_factory=dict)  # ACCESSIBILITY_FEATURES names
    sessions: list[ImportedSession] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the organiser to check (French)


# --- Cleaning ------------------------------------------------------------------------------------

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<\s*(br|/p|/div|/ul|/ol|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _strip_html(text: str) -> str:
    if "<" not in text:
        return text
    text = _SCRIPT.sub("", text)
    text = _ITEM.sub("\n- ", _BREAK.sub("\n", text))
    return strip_tags(text)


def plain_text(value, *, one_line: bool = False, max_length: int | None = None) -> str:
    """Text from a source as we store it: no HTML (scripts and styles dropped with their
    content), entities decoded, no control characters, cut at `max_length` on a word."""
    text = _strip_html(html.unescape(_strip_html(str(value or ""))))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if one_line:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text).strip()
    if max_length and len(text) > max_length:
        cut = text[: max_length - 1]
        if " " in cut[max_length // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;:.") + "…"
    return text


def web_url(value) -> str:
    """An http(s) URL that fits our URL fields, or ""."""
    url = plain_text(value, one_line=True)
    if not url or len(url) > _URL_MAX:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def email_address(value) -> str:
    address = plain_text(value, one_line=True).removeprefix("mailto:")
    if len(address) > 254:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


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


def _uid(value: str) -> str:
    uid = plain_text(value, one_line=True)
    if len(uid) > _UID_MAX:  # identifiers are opaque: a long one is kept as its digest
        uid = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
    return uid


def department_of_postal_code(postal_code: str) -> str:
    """ "35000" → "35", "20090" → "2A", "97400" → "974"; "" when it is not a French code."""
    if not re.fullmatch(r"\d{5}", postal_code or ""):
        return ""
    if postal_code.startswith("97"):
        code = postal_code[:3]
    elif postal_code.startswith("20"):
        code = "2A" if int(postal_code) < 20200 else "2B"
    else:
        code = postal_code[:2]
    return code if code in DEPARTMENTS else ""


def _department_named(name: str) -> str:
    folded = fold(name)
    return next((d.code for d in DEPARTMENTS.values() if fold(d.name) == folded), "")


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


# --- iCalendar -----------------------------------------------------------------------------------

NOT_ICALENDAR = (
    "Ce fichier n’est pas un calendrier iCalendar (.ics) : exportez l’événement ou l’agenda "
    "depuis votre logiciel de calendrier (fichier .ics), puis importez ce fichier."
)


@dataclass
class ParsedCalendar:
    events: list[ImportedEvent]
    notes: list[str] = field(default_factory=list)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _title_of(vevent) -> str:
    return plain_text(vevent.get("SUMMARY"), one_line=True, max_length=_TITLE_MAX)


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


def _sessions_between(start, end, title: str, notes: list[str]) -> list[ImportedSession]:
    """The sessions of one occurrence, from `start` to `end` (exclusive for all-day dates)."""
    if not isinstance(start, datetime.datetime):  # all day: dates only
        end_date = end if isinstance(end, datetime.date) else start + datetime.timedelta(days=1)
        if isinstance(end_date, datetime.datetime):
            end_date = end_date.date()
        days = max((end_date - start).days, 1)
        if days > MAX_DAYS:
            raise _too_long(title, days)
        return [ImportedSession(start + datetime.timedelta(days=n)) for n in range(days)]
    start_time = start.time().replace(second=0, microsecond=0, tzinfo=None)
    if end is None or not isinstance(end, datetime.datetime) or end <= start:
        return [ImportedSession(start.date(), start_time)]
    end_time = end.time().replace(second=0, microsecond=0, tzinfo=None)
    if end.date() == start.date() or end - start <= datetime.timedelta(hours=24):
        # Same day, or a night: ending after midnight, its end time is left out.
        same_day = end.date() == start.date() and end_time > start_time
        return [ImportedSession(start.date(), start_time, end_time if same_day else None)]
    days = (end.date() - start.date()).days + 1
    if days > MAX_DAYS:
        raise _too_long(title, days)
    daily_end = end_time if end_time > start_time else None
    notes.append(
        f"« {title} » s’étend sur {days} jours : il devient une séance par jour"
        + (
            ", chacune aux horaires du premier et du dernier jour ; vérifiez-les."
            if daily_end
            else " ; vérifiez leurs horaires."
        )
    )
    return [
        ImportedSession(start.date() + datetime.timedelta(days=n), start_time, daily_end)
        for n in range(days)
    ]


def _too_long(title: str, days: int) -> ImportRefused:
    return ImportRefused(
        f"« {title} » dure {days} jours : l’import accepte au plus {MAX_DAYS} jours par "
        "événement du calendrier. Découpez-le en séances dans votre calendrier."
    )


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
            _sessions_between(occurrence_start, occurrence_end, title, imported.notes)
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
    text = _decode(data)
    if len(text) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_too_large_message())
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise ImportRefused(NOT_ICALENDAR)
    count = text.upper().count("BEGIN:VEVENT")
    if count == 0:
        raise ImportRefused("Ce calendrier ne contient aucun événement (aucun VEVENT).")
    if count > settings.IMPORT_MAX_EVENTS:
        raise ImportRefused(
            f"Ce calendrier contient {_number(count)} événements : l’import en accepte "
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
        groups.setdefault(_uid(raw_uid), []).append(vevent)
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
            _check_sessions(imported)
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
    _check_sessions(combined)
    return combined


def _check_sessions(imported: ImportedEvent) -> None:
    unique = {(s.date, s.start_time, s.end_time): s for s in imported.sessions}
    imported.sessions = sorted(
        unique.values(), key=lambda s: (s.date, s.start_time or datetime.time())
    )
    if len(imported.sessions) > MAX_SESSIONS:
        raise ImportRefused(
            f"« {imported.title} » aurait {_number(len(imported.sessions))} séances : l’import "
            f"en accepte {MAX_SESSIONS} au plus par événement."
        )


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _too_large_message() -> str:
    return (
        f"Le fichier dépasse {settings.IMPORT_MAX_BYTES // (1024 * 1024)} Mo : l’import accepte "
        "des fichiers plus petits. Exportez seulement les événements du Mois de l’innovation "
        "publique."
    )


# --- OpenAgenda ----------------------------------------------------------------------------------

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
    text = _decode(data)
    if len(text) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_too_large_message())
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
                f"Ce JSON contient {_number(len(payload['events']))} événements : importez-en "
                "un à la fois (l’adresse ou le JSON d’un seul événement)."
            )
        payload = payload["events"][0]
    if (
        not isinstance(payload, dict)
        or not str(payload.get("uid", "")).strip()
        or not isinstance(payload.get("timings"), list)
    ):
        raise ImportRefused(NOT_OPENAGENDA)

    title = plain_text(_multilingual(payload.get("title")), one_line=True, max_length=_TITLE_MAX)
    imported = ImportedEvent(
        source=ImportSource.OPENAGENDA,
        uid=_uid(str(payload["uid"])),
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
            f"« {imported.title} » a {_number(len(payload['timings']))} horaires : l’import en "
            f"accepte {MAX_SESSIONS} au plus."
        )
    for timing in payload["timings"]:
        if not isinstance(timing, dict) or "begin" not in timing:
            raise ImportRefused(NOT_OPENAGENDA)
        begin = _openagenda_moment(timing["begin"], imported.title)
        end = _openagenda_moment(timing["end"], imported.title) if timing.get("end") else None
        imported.sessions.extend(_sessions_between(begin, end, imported.title, imported.notes))
    if not imported.sessions:
        imported.notes.append("OpenAgenda ne donnait aucun horaire : ajoutez les séances.")
    _check_sessions(imported)

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
            or _department_named(plain_text(location.get("department"), one_line=True)),
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
    if existing is not None and not workflow.is_draft(existing):
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
