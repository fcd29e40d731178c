"""Sessions on a map: where each in-person session takes place, found by the task worker.

- `session_place` is the ONE place that says which address a session is held at: the
  session's own (each session has its mode and place, events.places).
- `event_queue_geocoding` (called by the editing services) queues a geocoding task for each
  session whose address changed since it was located; `session_geocode` (the task's work)
  asks the national address service (moisinno.geocoding), falling back on the commune's
  centre, then on the department's, both marked approximate.
- `session_place_confirm` is the organiser's « Vérifier l'emplacement »: a point they confirm
  or move is kept (precision « manual ») until the address changes.
"""

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from moisinno.geocoding import GeocodingUnavailable, geocode
from moisinno.geography import department_centre, department_of_postal_code
from moisinno.pagecache import public_content_changed
from moisinno.roles import is_moderator
from organizers.selectors import user_is_active_member

from . import workflow
from .enums import LocationPrecision
from .models import Event, EventSession

logger = logging.getLogger("events.geo")

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
    from .tasks import geocode_session  # the task module imports this one

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
    if not workflow.is_editable(event):
        raise PermissionDenied(workflow.status_info(event).not_editable_message)
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
