"""Presentation of events in templates: French dates, times and places (no business rules).

The formatting itself lives in `moisinno.formatting`, shared with e-mails, exports and
calendars; these filters only expose it to templates.
"""

from django import template
from django.utils.safestring import mark_safe

from moisinno import formatting
from programme import cards
from programme.widgets import field_group

register = template.Library()

french_time = register.filter("french_time", formatting.french_time)
session_times = register.filter("session_times", formatting.session_times)
session_label = register.filter("session_label", formatting.session_label)


event_place = register.filter("event_place", cards.event_place)


@register.simple_tag(takes_context=True)
def event_card(context, event, heading: str = "h3", star: bool = False) -> str:
    """The event as a DSFR card (`programme.cards`); `star`: with its « Mon programme »
    button in the card's footer."""
    footer = cards.star_button(event, context.get("request"), in_card=True) if star else ""
    return cards.event_card(event, heading, footer=footer)


#: The event page's image: the left column (about 800 px) from DSFR's lg breakpoint.
EVENT_PAGE_IMAGE_SIZES = "(min-width: 62em) 800px, 100vw"


@register.simple_tag
def event_picture(picture) -> str:
    """The event page's image (`events.images.Picture`), not lazy: it is near the top."""
    return mark_safe(  # noqa: S308 - programme.cards.picture_img escapes every value
        cards.picture_img(
            picture, sizes=EVENT_PAGE_IMAGE_SIZES, lazy=False, css_class="fr-responsive-img"
        )
    )


@register.simple_tag(takes_context=True)
def star_button(context, event) -> str:
    """The « Mon programme » button of `event` (`programme.cards`)."""
    return cards.star_button(event, context.get("request"))


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
