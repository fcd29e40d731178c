"""The programme as GeoJSON (RFC 7946): one Feature per session.

Each session has its own mode and place (a webinar, then a workshop in Rennes): the place
properties are the session's, `attendance_mode` the event's (derived) and
`session_attendance_mode` the session's. An in-person session located by the task worker
(events.sessions) is a Point; an online session, or one not located yet, has `"geometry": null`,
which RFC 7946 allows for an unlocated feature. The place is in the properties too (address,
commune, department, region), with `location_precision` and `approximate` (only the commune's
or the department's centre is known). The programme page's map reads this feed.
"""

from collections.abc import Iterable, Iterator

from events.models import Event, EventSession

from ..structured_data import absolute_url, local_moment


def session_point(event: Event, session: EventSession) -> dict | None:
    """The session's place as a GeoJSON Point, when its coordinates are known."""
    if not session.is_located:
        return None
    return {"type": "Point", "coordinates": [float(session.longitude), float(session.latitude)]}


def geojson_stream(events: Iterable[Event]) -> Iterator[dict]:
    for event in events:
        url = absolute_url(event.get_absolute_url())
        for session in event.sessions.all():
            yield {
                "type": "Feature",
                "id": session.pk,
                "geometry": session_point(event, session) if session.is_in_person else None,
                "properties": {
                    "event_id": event.pk,
                    "url": url,
                    "title": event.title,
                    "status": event.status,
                    "attendance_mode": event.attendance_mode,
                    "session_attendance_mode": session.attendance_mode,
                    "date": session.date.isoformat(),
                    "start": local_moment(session.date, session.start_time),
                    "end": local_moment(session.date, session.end_time),
                    # The session's own place (a Feature is where its session is held).
                    "venue": session.venue_name,
                    "address": session.address,
                    "postal_code": session.postal_code,
                    "city": session.city,
                    "department_code": session.department,
                    "department": session.department_name,
                    "region_code": session.region,
                    "region": session.region_name,
                    "online_url": session.public_online_url,
                    "organizer": event.organization.name,
                    "format": event.format.name if event.format else None,
                    "location_precision": session.location_precision or None,
                    "approximate": session.is_approximate,
                },
            }
