"""What the registration pages and the personal-data page say about registrations: how long
a registrant's data is kept (the setting `REGISTRATION_RETENTION_DAYS`)."""

from django import template
from django.conf import settings

register = template.Library()

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    return getattr(settings, "REGISTRATION_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


@register.simple_tag
def registration_retention_days() -> int:
    return retention_days()
