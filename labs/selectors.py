"""Reads on labs: the atlas and the lab pages."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, IntegerField, Q, Value
from django.http import QueryDict

from events.enums import EventStatus
from events.models import Edition
from events.selectors import KeyFigures, edition_key_figures
from moisinno.geography import region_name

from .enums import LabKind
from .filters import LabFilterSet
from .models import Lab


@dataclass
class LabGroup:
    title: str
    labs: list[Lab]


@dataclass
class LabAtlas:
    filterset: LabFilterSet
    edition: Edition | None
    by_region: list[LabGroup] = field(default_factory=list)
    by_ministry: list[LabGroup] = field(default_factory=list)
    others: list[Lab] = field(default_factory=list)
    figures: KeyFigures | None = None

    @property
    def count(self) -> int:
        return sum(len(group.labs) for group in self.by_region + self.by_ministry) + len(
            self.others
        )


def labs_with_event_counts(*, edition: Edition | None):
    """Labs with `event_count`: their published events in `edition` (one grouped query)."""
    if edition is None:
        return Lab.objects.annotate(event_count=Value(0, output_field=IntegerField()))
    return Lab.objects.annotate(
        event_count=Count(
            "events",
            filter=Q(events__edition=edition, events__status=EventStatus.PUBLISHED),
            distinct=True,
        )
    )


def lab_atlas(*, edition: Edition | None, params: QueryDict) -> LabAtlas:
    """The atlas: ministerial labs by ministry, the other labs by region, each with its number
    of events in the edition, and the share of the programme organised with labs.

    A constant number of queries whatever the number of labs.
    """
    filterset = LabFilterSet(params, queryset=labs_with_event_counts(edition=edition))
    filterset.errors  # noqa: B018 - invalid criteria are ignored, and reported
    labs = list(filterset.qs.select_related("host_organization").order_by("name"))
    atlas = LabAtlas(filterset=filterset, edition=edition)
    ministerial = sorted(
        (lab for lab in labs if lab.kind == LabKind.MINISTERIAL),
        key=lambda lab: (lab.ministry or "~", lab.name),
    )
    for ministry, group in groupby(ministerial, key=lambda lab: lab.ministry):
        atlas.by_ministry.append(LabGroup(ministry or "Autres ministères", list(group)))
    ministerial_ids = {lab.pk for lab in ministerial}
    regional = sorted(
        (lab for lab in labs if lab.pk not in ministerial_ids and lab.region),
        key=lambda lab: (region_name(lab.region), lab.name),
    )
    for code, group in groupby(regional, key=lambda lab: lab.region):
        atlas.by_region.append(LabGroup(region_name(code), list(group)))
    atlas.others = [lab for lab in labs if lab.pk not in ministerial_ids and not lab.region]
    if edition is not None:
        atlas.figures = edition_key_figures(edition=edition)
    return atlas
