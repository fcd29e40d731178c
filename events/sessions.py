"""Where and when an event takes place, session by session, and where each session is on a map.

Each session has its date and times, its attendance mode and its place or online link.

- **What a session holds** (`SessionData`, `SESSION_FIELDS`) and how an event's sessions are
  replaced (`event_sync_sessions`); `session_apply_invariants` clears what does not apply to
  the session's mode.
- **What the event derives from its sessions**: its dates, mode, place, department and region
  (`derived_place`), stored on the event by `event_refresh_dates`, so that the programme's
  filters, cards, indexes and the exports that read the event stay cheap. An event without any
  session keeps what it holds (a draft duplicated from a past edition, an event migrated
  without sessions).
- **Where a session is on a map**: `session_place` is the ONE place that says which address a
  session is held at. `event_queue_geocoding` (called by the editing services) queues a
  geocoding task for each session whose address changed since it was located;
  `session_geocode` (the task's work) asks the national address service (moisinno.geocoding),
  falling back on the commune's centre, then on the department's, both marked approximate.
  `session_place_confirm` is the organiser's « Vérifier l'emplacement »: a point they confirm
  or move is kept (precision « manual ») until the address changes.
"""

import datetime
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from moisinno.geocoding import GeocodingUnavailable, geocode
from moisinno.geography import department_centre, department_of_postal_code, region_of_department
from moisinno.pagecache import public_content_changed
from moisinno.roles import is_moderator
from organizers.selectors import user_is_active_member

from . import states
from .enums import AttendanceMode, LocationPrecision
from .models import Event, EventSession, event_page_tags
from .tasks import geocode_session

logger = logging.getLogger(__name__)

# What a session holds --------------------------------------------------------------------

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


class SessionData(TypedDict, total=False):
    id: int | None  # an existing session of the event, or None for a new one
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    # Where (SESSION_PLACE_FIELDS); absent keys keep the model's defaults.
    attendance_mode: str
    venue_name: str
    address: str
    postal_code: str
    city: str
    department: str
    online_url: str
    online_url_public: bool
    online_note: str
    # On-platform registration (SESSION_REGISTRATION_FIELDS); absent keys keep what the
    # session holds.
    capacity: int | None
    waiting_list: bool
    registration_closes_at: datetime.datetime | None


#: The session fields of on-platform registration that organisers set (the counts are kept by
#: `registrations.services`).
SESSION_REGISTRATION_FIELDS: tuple[str, ...] = (
    "capacity",
    "waiting_list",
    "registration_closes_at",
)
#: What a session holds, as the editing services receive it (`SessionData`).
SESSION_FIELDS = ("date", "start_time", "end_time", *SESSION_PLACE_FIELDS)


def event_sync_sessions(*, event: Event, sessions: list[SessionData]) -> None:
    """Make the event's sessions match `sessions`, keeping the ids of those that stay (the
    editing services and the schedule door, in their transaction)."""
    existing = {session.pk: session for session in event.sessions.all()}
    kept = [data["id"] for data in sessions if data.get("id") in existing]
    event.sessions.exclude(pk__in=kept).delete()
    for data in sessions:
        session = existing.get(data.get("id")) or EventSession(event=event)
        before = {name: getattr(session, name) for name in SESSION_FIELDS}
        session.date = data["date"]
        session.start_time = data.get("start_time")
        session.end_time = data.get("end_time")
        for name in SESSION_PLACE_FIELDS:
            if name in data:
                value = data[name]
                setattr(session, name, value if value is not None else "")
        for name in SESSION_REGISTRATION_FIELDS:
            if name in data:
                before.setdefault(name, getattr(session, name))
                setattr(session, name, data[name])
        if session.pk is not None and session.capacity is not None:
            # The forms refuse fewer places than seats taken; a confirmation committed since
            # the form was checked must not make the save fail: keep at least those seats.
            with transaction.atomic():  # the caller's transaction holds the lock
                taken = (
                    EventSession.objects.select_for_update(of=("self",))
                    .filter(pk=session.pk)
                    .values_list("seats_taken", flat=True)
                    .first()
                )
            session.capacity = max(session.capacity, taken or 0)
        session_apply_invariants(session)
        if session.pk is None:
            session.save()
        elif any(getattr(session, name) != value for name, value in before.items()):
            # Never the counts of seats: `registrations` writes them under the row's lock.
            session.save(update_fields=[*SESSION_FIELDS, *SESSION_REGISTRATION_FIELDS])


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


# What the event derives from its sessions ----------------------------------------------


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


def event_refresh_dates(*, event: Event) -> Event:
    """Copy what the event derives from its sessions onto it (ordering, filters, cards): the
    first and last session dates, and its mode and place (`derived_place`)."""
    sessions = list(EventSession.objects.filter(event=event).order_by("date", "start_time", "pk"))
    values = {
        "starts_on": sessions[0].date if sessions else None,
        "ends_on": max(s.date for s in sessions) if sessions else None,
        **(derived_place(sessions) or {}),
    }
    for name, value in values.items():
        setattr(event, name, value)
    Event.objects.filter(pk=event.pk).update(**values)
    if event.is_public:
        public_content_changed(*event_page_tags(event.pk, event.organization_id))
    return event


# Where a session is on a map ----------------------------------------------------------

# The service's result types and the precision they give.
PRECISION_OF_KIND = {
    "housenumber": LocationPrecision.ADDRESS,
    "street": LocationPrecision.STREET,
    "locality": LocationPrecision.STREET,
    "municipality": LocationPrecision.MUNICIPALITY,
}
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Place:
    address: str  # the street part (« 12 rue de la Paix »), possibly empty
    postal_code: str
    city: str
    department: str

    @property
    def line(self) -> str:
        """« 12 rue de la Paix, 35000 Rennes »: what is geocoded, and remembered as such."""
        locality = " ".join(part for part in [self.postal_code, self.city] if part)
        return ", ".join(part for part in [self.address, locality] if part)


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    precision: str


def session_place(session: EventSession) -> Place | None:
    """Where `session` takes place, None when it has no physical place (online)."""
    if not session.is_in_person:
        return None
    place = Place(
        address=session.address.strip(),
        postal_code=session.postal_code.strip(),
        city=session.city.strip(),
        department=session.department,
    )
    return place if place.line or place.department else None


def session_address(session: EventSession) -> str:
    """The address the session's point is computed from ("" without a physical place): when it
    differs from `session.geocoded_address`, the session must be located again."""
    place = session_place(session)
    if place is None:
        return ""
    return place.line or f"département {place.department}"


def _point(latitude: float | Decimal, longitude: float | Decimal, precision: str) -> Location:
    return Location(
        latitude=Decimal(str(latitude)).quantize(SIX_PLACES),
        longitude=Decimal(str(longitude)).quantize(SIX_PLACES),
        precision=precision,
    )


def locate(place: Place) -> Location | None:
    """The most precise point the service gives for `place`, else its commune's centre, else
    its department's; None when not even the department is known."""
    service_down = False
    if place.address:
        try:
            found = geocode(place.line, postcode=place.postal_code)
        except GeocodingUnavailable as error:
            logger.warning("Geocoding of %r failed: %s", place.line, error)
            found, service_down = None, True
        if found is not None:
            precision = PRECISION_OF_KIND.get(found.kind, LocationPrecision.MUNICIPALITY)
            return _point(found.latitude, found.longitude, precision)
    if place.city and not service_down:
        try:
            found = geocode(place.city, kind="municipality", postcode=place.postal_code)
        except GeocodingUnavailable as error:
            logger.warning("Geocoding of the commune %r failed: %s", place.city, error)
            found = None
        if found is not None:
            return _point(found.latitude, found.longitude, LocationPrecision.MUNICIPALITY)
    department = place.department or department_of_postal_code(place.postal_code)
    centre = department_centre(department)
    if centre is not None:
        return _point(*centre, LocationPrecision.DEPARTMENT)
    return None


def _store(session: EventSession, location: Location | None, address: str) -> None:
    session.latitude = location.latitude if location else None
    session.longitude = location.longitude if location else None
    session.location_precision = location.precision if location else ""
    session.geocoded_address = address
    session.geocoded_at = timezone.now() if location else None
    session.save(
        update_fields=[
            "latitude",
            "longitude",
            "location_precision",
            "geocoded_address",
            "geocoded_at",
        ]
    )
    # The feeds' validators follow the events' `updated_at`: a moved point is a change.
    Event.objects.filter(pk=session.event_id).update(updated_at=timezone.now())


def session_geocode(*, session_id: int) -> Location | None:
    """Locate a session from its current address (the task worker's work). Does nothing when
    the session is gone or was already located from this address (the organiser's own point
    included); the network is never called inside a transaction."""
    session = EventSession.objects.select_related("event").filter(pk=session_id).first()
    if session is None:
        return None
    address = session_address(session)
    if address == session.geocoded_address and (session.is_located or not address):
        return None
    place = session_place(session)
    location = locate(place) if place is not None else None
    with transaction.atomic():
        locked = (
            EventSession.objects.select_for_update().select_related("event").filter(pk=session_id)
        ).first()
        # Gone, or its address changed while the service answered: a newer task handles it.
        if locked is None or session_address(locked) != address:
            return None
        _store(locked, location, address)
    return location


def event_queue_geocoding(*, event: Event) -> int:
    """Queue the location of each session of `event` whose address changed since it was located
    (call it inside the writer's transaction: the tasks are queued only if it commits).
    A session without a physical place loses its point at once. Returns the tasks queued."""
    queued = 0
    for session in event.sessions.all():
        session.event = event
        address = session_address(session)
        if address == session.geocoded_address and (session.is_located or not address):
            continue
        if not address:
            _store(session, None, "")
            continue
        geocode_session.enqueue(session.pk)
        queued += 1
    return queued


def session_place_confirm(
    *, session: EventSession, user: AbstractBaseUser, latitude: Decimal, longitude: Decimal
) -> EventSession:
    """The organiser confirms or moves the session's point: kept until its address changes."""
    event = session.event
    allowed = user.is_authenticated and user.is_active
    if not allowed or not (
        user_is_active_member(user=user, organization_id=event.organization_id)
        or is_moderator(user)
    ):
        raise PermissionDenied
    if not states.is_editable(event):
        raise PermissionDenied(states.status_info(event).not_editable_message)
    with transaction.atomic():
        _store(
            session,
            _point(latitude, longitude, LocationPrecision.MANUAL),
            session_address(session),
        )
    return session


def sessions_place_approximately(*, sessions: Iterable[EventSession], spread: float = 0.0) -> int:
    """Put in-person sessions not located yet at their department's centre, marked approximate,
    without the network (demo data, fixtures). `spread` (degrees) scatters them around it,
    the same way on every run, so that a map of many does not stack them on one point; the
    same address always gets the same point. Returns the number of sessions placed."""
    placed: list[EventSession] = []
    now = timezone.now()
    for session in sessions:
        if session.is_located:
            continue
        place = session_place(session)
        if place is None:
            continue
        department = place.department or department_of_postal_code(place.postal_code)
        centre = department_centre(department)
        if centre is None:
            continue
        latitude, longitude = centre
        address = session_address(session)
        if spread:
            shift = random.Random(address)  # noqa: S311 - a stable scatter, not secrecy
            latitude += shift.uniform(-spread, spread)
            longitude += shift.uniform(-spread, spread) * 1.5
        location = _point(latitude, longitude, LocationPrecision.DEPARTMENT)
        session.latitude, session.longitude = location.latitude, location.longitude
        session.location_precision = location.precision
        session.geocoded_address = address
        session.geocoded_at = now
        placed.append(session)
    fields = ["latitude", "longitude", "location_precision", "geocoded_address", "geocoded_at"]
    EventSession.objects.bulk_update(placed, fields, batch_size=1000)
    if placed:
        public_content_changed()  # bulk_update sends no signal
    return len(placed)
