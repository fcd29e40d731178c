"""What the maps show (templates/includes/map.html): points as plain data for `json_script`."""

from django import template

from events.enums import LocationPrecision
from events.models import Event
from events.sessions import session_address, session_place
from moisinno.formatting import session_label
from moisinno.text import fold

register = template.Library()


#: From the most precise point to the least: a group of sessions at one place is shown at the
#: best point any of them has.
PRECISION_ORDER = [
    LocationPrecision.MANUAL,
    LocationPrecision.ADDRESS,
    LocationPrecision.STREET,
    LocationPrecision.MUNICIPALITY,
    LocationPrecision.DEPARTMENT,
]


def _precision_rank(session) -> int:
    precision = session.location_precision
    return (
        PRECISION_ORDER.index(precision) if precision in PRECISION_ORDER else len(PRECISION_ORDER)
    )


@register.filter
def session_points(event: Event) -> list[dict]:
    """The event's located in-person sessions, one point per place, for the event page's map:
    sessions held at the same address, or on the same point, share one marker (`sessions`:
    how many, « 2 séances ici »), at the most precise point they have. Reads the prefetched
    sessions."""
    if not event.is_in_person:
        return []
    groups: list[list] = []
    group_of: dict[tuple, list] = {}
    for session in event.sessions.all():
        session.event = event
        if not session.is_located or session_place(session) is None:
            continue
        keys = [
            ("address", fold(session_address(session))),
            ("point", session.latitude, session.longitude),
        ]
        group = next((group_of[key] for key in keys if key in group_of), None)
        if group is None:
            group = []
            groups.append(group)
        group.append(session)
        for key in keys:
            group_of.setdefault(key, group)
    points = []
    for group in groups:
        best = min(group, key=_precision_rank)
        points.append(
            {
                "lat": float(best.latitude),
                "lon": float(best.longitude),
                "title": best.venue_name or event.venue_name or event.title,
                "detail": " ; ".join(session_label(session) for session in group),
                "sessions": len(group),
                "approximate": best.is_approximate,
            }
        )
    return points


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
