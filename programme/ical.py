"""iCalendar (RFC 5545) files of the events: "Ajouter à mon agenda".

One VEVENT per session, in Paris local time (with its VTIMEZONE) or as whole days when the
times are unknown. UIDs are `<event pk>-<session pk>@<site host>`: stable, so calendar clients
update the same entries when the event changes (SEQUENCE, LAST-MODIFIED) or is cancelled
(STATUS:CANCELLED) or postponed (STATUS:TENTATIVE): events/states.py.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings

from events.models import Event, EventSession
from events.states import public_status_message as schedule_message

PRODID = "-//DITP//Mois de l'innovation publique//FR"
TZID = "Europe/Paris"
CRLF = "\r\n"
MAX_LINE_OCTETS = 75

# Europe/Paris since 1996: CEST from the last Sunday of March, CET from the last one of October.
VTIMEZONE_PARIS = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "X-LIC-LOCATION:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def quote_param(value: str) -> str:
    """A parameter value (e.g. CN): quoted, without the characters a quoted value cannot hold."""
    return '"' + "".join(c for c in value if c not in '"\r\n') + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= MAX_LINE_OCTETS:
        return line
    parts: list[str] = []
    start, limit = 0, MAX_LINE_OCTETS
    while len(encoded) - start > limit:
        end = start + limit
        while encoded[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its char
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, MAX_LINE_OCTETS - 1  # the leading space counts
    parts.append(encoded[start:].decode())
    return (CRLF + " ").join(parts)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _local(day: datetime.date, time: datetime.time) -> str:
    return datetime.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_location(session: EventSession) -> str:
    """The session's place, its public link, or « En ligne » while the link is private."""
    place = session.place_label
    if session.is_online:
        link = session.public_online_url
        online = f"En ligne\u00a0: {link}" if link else "En ligne"
        return f"{place} — {online}" if place and session.is_in_person else online
    return place


def _session_lines(
    event: Event, session: EventSession, index: int, total: int, url: str
) -> list[str]:
    state = event.public_status  # « Annulé », « Reporté »… (events/states.py)
    summary = event.title if total == 1 else f"{event.title} (séance {index}/{total})"
    if state.ical_prefix:
        summary = f"{state.ical_prefix}\u00a0: {summary}"
    notice = schedule_message(event)
    notice = f"{state.label}\u00a0: {notice}" if notice else ""
    parts = [notice, event.summary, event.description, url]
    description = "\n\n".join(part for part in parts if part)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.pk}-{session.pk}@{site_host()}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"SEQUENCE:{event.version}",
    ]
    if session.start_time:
        lines.append(f"DTSTART;TZID={TZID}:{_local(session.date, session.start_time)}")
        if session.end_time:
            lines.append(f"DTEND;TZID={TZID}:{_local(session.date, session.end_time)}")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{_date(session.date)}")
        lines.append(f"DTEND;VALUE=DATE:{_date(session.date + datetime.timedelta(days=1))}")
    lines.append(f"SUMMARY:{escape_text(summary)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location := session_location(session):
        lines.append(f"LOCATION:{escape_text(location)}")
    if event.format:
        lines.append(f"CATEGORIES:{escape_text(event.format.name)}")
    if event.public_contact_email:
        name = event.public_contact_name or event.organization.name
        lines.append(f"ORGANIZER;CN={quote_param(name)}:mailto:{event.public_contact_email}")
    lines += [
        f"URL:{url}",
        f"STATUS:{state.ical}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def event_lines(event: Event, url: str) -> list[str]:
    """The unfolded VEVENT lines of an event's sessions (prefetched or fetchable)."""
    sessions = list(event.sessions.all())
    lines: list[str] = []
    for index, session in enumerate(sessions, start=1):
        lines += _session_lines(event, session, index, len(sessions), url)
    return lines


def calendar_head(name: str, *, timezone: bool = True, refresh: str = "") -> list[str]:
    """The VCALENDAR's opening lines. `refresh` is an RFC 7986 REFRESH-INTERVAL (e.g. PT6H)
    for subscribed calendars."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
    ]
    if refresh:
        lines += [f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}", f"X-PUBLISHED-TTL:{refresh}"]
    return lines + (VTIMEZONE_PARIS if timezone else [])


CALENDAR_END = "END:VCALENDAR"


def calendar_lines(events: Iterable[tuple[Event, str]], name: str) -> list[str]:
    """The unfolded lines of a VCALENDAR with the sessions of `(event, absolute URL)` pairs."""
    events = list(events)
    body = [line for event, url in events for line in event_lines(event, url)]
    timed = any(line.startswith("DTSTART;TZID=") for line in body)
    return [*calendar_head(name, timezone=timed), *body, CALENDAR_END]


def serialize(lines: Iterable[str]) -> str:
    """Content lines folded at 75 octets, each ended by CRLF."""
    return "".join(fold(line) + CRLF for line in lines)


def event_ical(*, event: Event, url: str) -> str:
    """The .ics file of one event (its sessions must be prefetched or fetchable)."""
    return serialize(calendar_lines([(event, url)], name=event.title))
