"""Presentation of events in templates: French dates, times and places (no business rules).

The formatting itself lives in `moisinno.formatting`, shared with e-mails, exports and
calendars; these filters only expose it to templates.
"""

from django import template

from moisinno import formatting
from programme.widgets import field_group

register = template.Library()

french_time = register.filter("french_time", formatting.french_time)
session_times = register.filter("session_times", formatting.session_times)
session_label = register.filter("session_label", formatting.session_label)


@register.filter
def event_place(event) -> str:
    """ "Rennes (Ille-et-Vilaine)", "En ligne", "Rennes et en ligne"."""
    where = event.city or event.region_name
    if event.city and event.department_name and event.department_name != event.city:
        where = f"{event.city} ({event.department_name})"
    if not event.is_in_person or not where:
        return "En ligne" if event.is_online else where
    return f"{where} et en ligne" if event.is_online else where


@register.filter
def full_address(event) -> str:
    """The postal address on one line, for display and map searches."""
    return event.postal_address


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


@register.filter
def filter_group(field) -> str:
    """A field of the programme's filter form as its DSFR group (`programme.widgets`)."""
    return field_group(field)
