"""The programme as GeoJSON (RFC 7946): one Feature per session.

Each session has its own mode and place (a webinar, then a workshop in Rennes): the place
properties are the session's, `attendance_mode` the event's (derived) and
`session_attendance_mode` the session's. Sessions do not have coordinates yet: every Feature
has `"geometry": null`, which RFC 7946 allows for an unlocated feature, and the place is in
its properties (address, commune, department, region), so a map can still group sessions by
area. `session_point` is where known coordinates will go.
"""

from collections.abc import Iterable, Iterator

from events.models import Event, EventSession

from ..structured_data import absolute_url, local_moment


def session_point(event: Event, session: EventSession) -> dict | None:
    """The session's place as a GeoJSON Point, when its coordinates are known."""
    return None


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
                },
            }
