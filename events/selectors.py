"""Reads on events."""

from dataclasses import dataclass

from django.db.models import Count, Q

from labs.models import Lab

from .enums import EventStatus
from .models import Edition, Event


def current_edition() -> Edition | None:
    """The edition marked current, else the most recent one."""
    return (
        Edition.objects.filter(is_current=True).first() or Edition.objects.order_by("-year").first()
    )


def published_events(*, edition: Edition):
    return Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED)


@dataclass(frozen=True)
class KeyFigures:
    events: int
    labs: int
    regions: int
    with_labs: int

    @property
    def lab_share_percent(self) -> int:
        return round(100 * self.with_labs / self.events) if self.events else 0


def edition_key_figures(*, edition: Edition) -> KeyFigures:
    """Published events of the edition, the labs involved in them and the regions they cover."""
    events = published_events(edition=edition)
    counts = events.aggregate(
        total=Count("pk", distinct=True),
        regions=Count("region", distinct=True, filter=~Q(region="")),
        with_labs=Count("pk", distinct=True, filter=Q(labs__isnull=False)),
    )
    labs = Lab.objects.filter(events__in=events).distinct().count()
    return KeyFigures(
        events=counts["total"], labs=labs, regions=counts["regions"], with_labs=counts["with_labs"]
    )
