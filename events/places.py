"""Where an event takes place, session by session.

Each session has its attendance mode and its place or online link. The event's mode, place,
department and region are DERIVED from its sessions (`derived_place`) and stored on the event
by `events.services.event_refresh_dates`, so that the programme's filters, cards, indexes and
the exports that read the event stay cheap. An event without any session keeps what it holds
(a draft duplicated from a past edition, an event migrated without sessions).
"""

from collections.abc import Iterable

from moisinno.geography import region_of_department

from .enums import AttendanceMode
from .models import EventSession

#: The session fields that say where it takes place (organiser form, admin, duplicates).
SESSION_PLACE_FIELDS: tuple[str, ...] = (
    "attendance_mode",
    "venue_name",
    "address",
    "postal_code",
    "city",
    "department",
    "online_url",
    "online_url_public",
    "online_note",
)
#: The event fields derived from its sessions.
EVENT_PLACE_FIELDS: tuple[str, ...] = (
    "attendance_mode",
    "venue_name",
    "address",
    "postal_code",
    "city",
    "department",
    "region",
    "online_url",
)


def session_apply_invariants(session: EventSession) -> EventSession:
    """What does not apply to the session's mode is not kept (a place for an online
    session, a link for an in-person one)."""
    if session.attendance_mode == AttendanceMode.ONLINE:
        session.venue_name = session.address = session.postal_code = ""
        session.city = session.department = ""
    if session.attendance_mode == AttendanceMode.IN_PERSON:
        session.online_url = session.online_note = ""
        session.online_url_public = False
    return session


def derived_mode(modes: Iterable[str]) -> str:
    """All in person → in person, all online → online, mixed or any hybrid → hybrid."""
    found = set(modes)
    if found == {AttendanceMode.IN_PERSON}:
        return AttendanceMode.IN_PERSON
    if found == {AttendanceMode.ONLINE}:
        return AttendanceMode.ONLINE
    return AttendanceMode.HYBRID


def derived_place(sessions: list[EventSession]) -> dict[str, str] | None:
    """The event's mode and place from its sessions (in date order), None without sessions.

    The place is the first session held in person, the departments of the others in person
    `other_departments`; the link, the first one shown publicly (a private link never reaches
    the event, so no page, feed or export can leak it)."""
    if not sessions:
        return None
    place = next((s for s in sessions if s.is_in_person), None)
    link = next((s.public_online_url for s in sessions if s.public_online_url), "")
    department = place.department if place else ""
    elsewhere = {s.department for s in sessions if s.is_in_person and s.department}
    return {
        "attendance_mode": derived_mode(s.attendance_mode for s in sessions),
        "venue_name": place.venue_name if place else "",
        "address": place.address if place else "",
        "postal_code": place.postal_code if place else "",
        "city": place.city if place else "",
        "department": department,
        "region": region_of_department(department),
        "other_departments": " ".join(sorted(elsewhere - {department})),
        "online_url": link,
    }
