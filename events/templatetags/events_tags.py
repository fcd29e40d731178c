"""Presentation of events in templates: French dates, times and places (no business rules)."""

import datetime

from django import template
from django.utils.formats import date_format

register = template.Library()

NBSP = "\u00a0"


@register.filter
def french_time(value: datetime.time | None) -> str:
    """10:00 → "10 h", 14:30 → "14 h 30" (French typography, non-breaking spaces)."""
    if value is None:
        return ""
    return f"{value.hour}{NBSP}h" + (f"{NBSP}{value.minute:02d}" if value.minute else "")


@register.filter
def session_times(session) -> str:
    """ "de 10 h à 12 h", "à 10 h" or "" when the times are not known yet."""
    if session.start_time and session.end_time:
        return f"de {french_time(session.start_time)} à {french_time(session.end_time)}"
    if session.start_time:
        return f"à {french_time(session.start_time)}"
    return ""


@register.filter
def session_label(session, with_year: bool = True) -> str:
    """ "mardi 15 novembre 2022, de 10 h à 12 h"."""
    day = date_format(session.date, "l j F Y" if with_year else "l j F")
    times = session_times(session)
    return f"{day}, {times}" if times else day


@register.filter
def event_place(event) -> str:
    """ "Rennes (Ille-et-Vilaine)", "En ligne", "Rennes et en ligne"."""
    where = event.city or event.region_name
    if event.city and event.department_name and event.department_name != event.city:
        where = f"{event.city} ({event.department_name})"
    if event.attendance_mode == "online" or not where:
        return "En ligne" if event.is_online else where
    return f"{where} et en ligne" if event.is_online else where


@register.filter
def full_address(event) -> str:
    """The postal address on one line, for display and map searches."""
    locality = " ".join(part for part in [event.postal_code, event.city] if part)
    return ", ".join(part for part in [event.address, locality] if part)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (and the page reset)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
