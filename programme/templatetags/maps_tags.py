"""What the maps show (templates/includes/map.html): points as plain data for `json_script`."""

from django import template

from events.enums import LocationPrecision
from events.models import Event
from events.sessions import session_address, session_place
from moisinno.formatting import session_label

register = template.Library()


@register.filter
def session_points(event: Event) -> list[dict]:
    """The event's located in-person sessions, one point per place (sessions held at the same
    point share it), for the event page's map. Reads the prefetched sessions."""
    points: dict[tuple, dict] = {}
    if not event.is_in_person:
        return []
    for session in event.sessions.all():
        session.event = event
        if not session.is_located or session_place(session) is None:
            continue
        key = (session.latitude, session.longitude)
        point = points.get(key)
        if point is None:
            points[key] = {
                "lat": float(session.latitude),
                "lon": float(session.longitude),
                "title": event.venue_name or event.title,
                "detail": session_label(session),
                "approximate": session.is_approximate,
            }
        else:
            point["detail"] += f" ; {session_label(session)}"
    return list(points.values())


@register.filter
def any_approximate(event: Event) -> bool:
    return any(point["approximate"] for point in session_points(event))


@register.filter
def lab_points(labs) -> list[dict]:
    """The labs with coordinates, for the atlas's map."""
    return [
        {
            "lat": float(lab.latitude),
            "lon": float(lab.longitude),
            "title": lab.name,
            "url": lab.get_absolute_url(),
            "detail": lab.get_region_display(),
        }
        for lab in labs
        if lab.latitude is not None and lab.longitude is not None
    ]


@register.filter
def location_label(session) -> str:
    """Where the session's point stands, for its organisers (« Vérifier l'emplacement »)."""
    if session.geocoded_address != session_address(session):
        return "en cours de localisation"
    if not session.is_located:
        return "non localisée"
    if session.location_precision == LocationPrecision.MANUAL:
        return "emplacement vérifié"
    if session.is_approximate:
        return "emplacement approximatif, à vérifier"
    return "localisée d’après l’adresse, à vérifier"
