"""What a source gives, whatever it is: `ImportedEvent`s of plain, cleaned data, their limits,
and the reading shared by the parsers (the source's text, its sessions). A broken or hostile
source raises `ImportRefused` with a French message.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings

from ..models import Event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

#: The most sessions one imported event may have (recurrences and timings included): as many as
#: the organiser's form takes (`organizer_space.forms.sessions.SessionFormSet`, max_num), so
#: the draft stays editable.
MAX_SESSIONS = 30
#: The most days one VEVENT may span (one session per day).
MAX_DAYS = 31

TITLE_MAX = Event._meta.get_field("title").max_length


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


# --- Reading a source ----------------------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _too_large_message() -> str:
    return (
        f"Le fichier dépasse {settings.IMPORT_MAX_BYTES // (1024 * 1024)} Mo : l’import accepte "
        "des fichiers plus petits. Exportez seulement les événements du Mois de l’innovation "
        "publique."
    )


def source_text(data: bytes | str) -> str:
    """A source's content as text (UTF-8, else Windows-1252); ImportRefused when it is larger
    than `IMPORT_MAX_BYTES`."""
    text = _decode(data)
    if len(text) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_too_large_message())
    return text


def sessions_between(start, end, title: str, notes: list[str]) -> list[ImportedSession]:
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


def check_sessions(imported: ImportedEvent) -> None:
    """Sort the imported sessions and drop the repeated ones; ImportRefused past `MAX_SESSIONS`."""
    unique = {(s.date, s.start_time, s.end_time): s for s in imported.sessions}
    imported.sessions = sorted(
        unique.values(), key=lambda s: (s.date, s.start_time or datetime.time())
    )
    if len(imported.sessions) > MAX_SESSIONS:
        raise ImportRefused(
            f"« {imported.title} » aurait {french_number(len(imported.sessions))} séances : "
            f"l’import en accepte {MAX_SESSIONS} au plus par événement."
        )


def french_number(value: int) -> str:
    """12345 → "12 345" (a narrow no-break space between thousands), for the messages."""
    return f"{value:,}".replace(",", "\u202f")
