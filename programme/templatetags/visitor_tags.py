"""« Mon programme » in templates: whether the visitor starred an event (read from the signed
cookie once per request, no query)."""

from django import template

from programme.starred import starred_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def is_starred(context, event) -> bool:
    request = context.get("request")
    return request is not None and event.pk in starred_ids(request)
