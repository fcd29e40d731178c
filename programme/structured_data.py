"""schema.org `Event` description of an event page (JSON-LD), for search engines and agendas."""

import datetime
import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from events.enums import AttendanceMode
from events.models import Event, EventSession
from moisinno.geography import region_name
from registrations.availability import OPEN, session_availability

from .seats import event_seats, registration_open

SCHEMA = "https://schema.org/"
ATTENDANCE_MODES = {
    AttendanceMode.IN_PERSON: "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    AttendanceMode.HYBRID: "MixedEventAttendanceMode",
}
# Django's json_script escapes the same characters, but cannot set type="application/ld+json".
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def local_moment(day: datetime.date, time: datetime.time | None) -> str | None:
    """ISO 8601 with the offset of Paris (the site's time zone), or None without a time."""
    if time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time)).isoformat()


def _moment(day: datetime.date, time: datetime.time | None) -> str:
    return local_moment(day, time) or day.isoformat()


def _place(where: Event | EventSession) -> dict:
    """A schema.org Place of an event or of one of its sessions."""
    region = region_name(where.department) if where.department else ""
    address = {
        "@type": "PostalAddress",
        "streetAddress": where.address,
        "postalCode": where.postal_code,
        "addressLocality": where.city,
        "addressRegion": region,
        "addressCountry": "FR",
    }
    return {
        "@type": "Place",
        "name": where.venue_name or where.city or region,
        "address": {key: value for key, value in address.items() if value},
    }


def _locations(where: Event | EventSession, url: str, link: str) -> dict | list[dict]:
    """Place and / or VirtualLocation (its public link, else the event page)."""
    locations = []
    if where.is_in_person:
        locations.append(_place(where))
    if where.is_online:
        locations.append({"@type": "VirtualLocation", "url": link or url})
    return locations[0] if len(locations) == 1 else locations


def _sub_event(event: Event, session: EventSession, url: str) -> dict:
    """One session as a schema.org subEvent: its dates, mode and place or public link."""
    data = {
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": _moment(session.date, session.start_time),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODES[session.attendance_mode],
        "location": _locations(session, url, session.public_online_url),
    }
    if session.end_time:
        data["endDate"] = _moment(session.date, session.end_time)
    return data


def _organization(organization) -> dict:
    return {
        "@type": "Organization",
        "name": organization.name,
        "url": absolute_url(organization.get_absolute_url()),
    }


def event_structured_data(*, event: Event) -> dict:
    sessions: list[EventSession] = list(event.sessions.all())
    url = absolute_url(event.get_absolute_url())
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or event.description[:300],
        "url": url,
        "inLanguage": "fr",
        "eventStatus": SCHEMA + event.public_status.schema_org,
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODES[event.attendance_mode],
        "isAccessibleForFree": event.is_free,
        "organizer": [_organization(event.organization)]
        + [_organization(o) for o in event.co_organizers.all()],
        "audience": {"@type": "Audience", "audienceType": event.get_audience_display()},
        "superEvent": {
            "@type": "EventSeries",
            "name": str(event.edition),
            "url": absolute_url(event.edition.get_absolute_url()),
        },
    }
    if sessions:
        first, last = sessions[0], sessions[-1]
        data["startDate"] = _moment(first.date, first.start_time)
        data["endDate"] = _moment(last.date, last.end_time or last.start_time)
    data["location"] = _locations(event, url, event.online_url)
    # Sessions held differently (a webinar, then a workshop in Rennes): each one says where.
    if len({(s.attendance_mode, s.place_label, s.public_online_url) for s in sessions}) > 1:
        data["subEvent"] = [_sub_event(event, session, url) for session in sessions]
    if event.format:
        data["keywords"] = ", ".join([event.format.name, *(t.name for t in event.themes.all())])
    seats = event_seats(event)
    if seats is not None:
        _platform_offers(data, event, sessions, url)
    else:
        if event.capacity:
            data["maximumAttendeeCapacity"] = event.capacity
        if event.is_free:
            data["offers"] = {
                "@type": "Offer",
                "price": "0",
                "priceCurrency": "EUR",
                "url": event.registration_url or url,
                "availability": SCHEMA + ("SoldOut" if event.is_full else "InStock"),
            }
    return data


def _capacities(sessions: list[EventSession]) -> dict:
    """maximumAttendeeCapacity and remainingAttendeeCapacity of `sessions` (on-platform
    registration), added up; none when one of them is unlimited. The remaining seats are
    those of the sessions still open (0 once they are closed)."""
    if not sessions or any(session.capacity is None for session in sessions):
        return {}
    now = timezone.now()
    remaining = 0
    for session in sessions:
        seats = session_availability(session, now)
        if seats.state == OPEN:
            remaining += seats.seats_left or 0
    return {
        "maximumAttendeeCapacity": sum(session.capacity for session in sessions),
        "remainingAttendeeCapacity": remaining,
    }


def _offer(availability: str, event: Event, url: str) -> dict:
    offer = {"@type": "Offer", "url": url, "availability": SCHEMA + availability}
    if event.is_free:
        offer.update({"price": "0", "priceCurrency": "EUR"})
    return offer


def _platform_offers(data: dict, event: Event, sessions: list[EventSession], url: str) -> None:
    """An event that takes registrations here: the offer of its registration form (InStock
    while a seat is left, SoldOut when full, OutOfStock once closed), its seats, and each
    session's own when the sessions are listed (`subEvent`)."""
    seats = event_seats(event)
    register = (
        absolute_url(reverse("registrations:register", args=[event.slug]))
        if registration_open(event)
        else url
    )
    data["offers"] = _offer(seats.schema_availability, event, register)
    data.update(_capacities(sessions))
    if "subEvent" in data:
        for sub_event, session in zip(data["subEvent"], sessions, strict=True):
            sub_event["offers"] = _offer(
                session_availability(session).schema_availability, event, register
            )
            sub_event.update(_capacities([session]))


def json_ld(data: dict) -> SafeString:
    """JSON safe inside a <script type="application/ld+json"> element."""
    return mark_safe(  # noqa: S308 - <, > and & are escaped, so the script cannot be closed
        json.dumps(data, ensure_ascii=False, indent=None).translate(_SCRIPT_ESCAPES)
    )
