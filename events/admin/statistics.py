"""Reads for the DITP statistics page: an edition's events counted several ways.

Each breakdown is a list of rows (label, count) that the admin page renders twice: as an SVG
chart drawn on the server (bars sized with SVG attributes, which the strict CSP allows, unlike
inline styles) and as a data table with a caption for screen readers and for copying.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from moisinno.geography import region_name
from moisinno.text import fold
from organizers.enums import OrganizationKind

from ..enums import AttendanceMode, EventStatus
from ..models import Edition, Event, ModerationLogEntry

# Which events the breakdowns (region, format, organiser kind, mode, labs) count.
SCOPE_PUBLISHED = "published"
SCOPE_SUBMITTED = "submitted"
SCOPES = {
    SCOPE_PUBLISHED: "Événements publiés",
    SCOPE_SUBMITTED: "Événements transmis à la DITP (tous statuts sauf brouillon)",
}
NOT_SET = "Non renseigné"


@dataclass(frozen=True)
class Row:
    label: str
    value: int


@dataclass(frozen=True)
class Breakdown:
    slug: str
    title: str
    rows: list[Row]
    label_header: str

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)

    def percent(self, value: int) -> int:
        return round(100 * value / self.total) if self.total else 0

    @property
    def table(self) -> list[tuple[str, int, int]]:
        return [(row.label, row.value, self.percent(row.value)) for row in self.rows]


@dataclass(frozen=True)
class EditionStatistics:
    edition: Edition
    scope: str
    total: int
    with_labs: int
    by_status: Breakdown
    by_region: Breakdown
    by_format: Breakdown
    by_organization_kind: Breakdown
    by_attendance_mode: Breakdown
    submissions_per_day: Breakdown

    @property
    def scope_label(self) -> str:
        return SCOPES[self.scope]

    @property
    def lab_share_percent(self) -> int:
        return round(100 * self.with_labs / self.total) if self.total else 0

    @property
    def breakdowns(self) -> list[Breakdown]:
        """The breakdowns of the scoped events, drawn as horizontal bars."""
        return [
            self.by_region,
            self.by_format,
            self.by_organization_kind,
            self.by_attendance_mode,
        ]


def _scoped_events(*, edition: Edition, scope: str):
    events = Event.objects.filter(edition=edition)
    if scope == SCOPE_PUBLISHED:
        return events.filter(status=EventStatus.PUBLISHED)
    return events.exclude(status=EventStatus.DRAFT)


def _counts(queryset, field_name: str) -> dict:
    # A plain count: the joins (format, organisation) add no row, and a distinct count would
    # sort every event of the edition.
    rows = queryset.order_by().values(field_name).annotate(n=Count("pk"))
    return {row[field_name]: row["n"] for row in rows}


def _sort_key(label: str) -> str:
    """Alphabetical order that ignores accents and case (Île-de-France among the I)."""
    return fold(label)


def _by_count(counts: dict, label) -> list[Row]:
    """Most frequent first, then alphabetical; "not set" last."""
    rows = [Row(label(key), value) for key, value in counts.items()]
    return sorted(rows, key=lambda row: (row.label == NOT_SET, -row.value, _sort_key(row.label)))


def _in_order(counts: dict, choices) -> list[Row]:
    return [Row(str(label), counts.get(value, 0)) for value, label in choices]


def submissions_per_day(*, edition: Edition) -> list[Row]:
    """Submissions (first ones and resubmissions) per day in Paris time, with empty days."""
    rows = (
        ModerationLogEntry.objects.filter(
            event__edition=edition,
            to_status=EventStatus.SUBMITTED,
            kind=ModerationLogEntry.TRANSITION,
        )
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    counts: dict[datetime.date, int] = {row["day"]: row["n"] for row in rows}
    if not counts:
        return []
    day, last = min(counts), max(counts)
    result = []
    while day <= last:
        result.append(Row(day.strftime("%d/%m/%Y"), counts.get(day, 0)))
        day += datetime.timedelta(days=1)
    return result


def edition_statistics(*, edition: Edition, scope: str = SCOPE_PUBLISHED) -> EditionStatistics:
    if scope not in SCOPES:
        scope = SCOPE_PUBLISHED
    events = _scoped_events(edition=edition, scope=scope)
    # One hashed set of the events with a lab, rather than a join that repeats an event per lab.
    with_labs = Q(pk__in=Event.labs.through.objects.values("event_id"))
    lab_counts = events.aggregate(total=Count("pk"), with_labs=Count("pk", filter=with_labs))
    return EditionStatistics(
        edition=edition,
        scope=scope,
        total=lab_counts["total"],
        with_labs=lab_counts["with_labs"],
        by_status=Breakdown(
            "statuts",
            "Tous les événements de l'édition par statut",
            _in_order(
                _counts(Event.objects.filter(edition=edition), "status"), EventStatus.choices
            ),
            "Statut",
        ),
        by_region=Breakdown(
            "regions",
            "Par région",
            _by_count(_counts(events, "region"), lambda code: region_name(code) or NOT_SET),
            "Région",
        ),
        by_format=Breakdown(
            "formats",
            "Par format",
            _by_count(_counts(events, "format__name"), lambda name: name or NOT_SET),
            "Format",
        ),
        by_organization_kind=Breakdown(
            "types-organisateurs",
            "Par type d'organisateur",
            _in_order(_counts(events, "organization__kind"), OrganizationKind.choices),
            "Type d'organisateur",
        ),
        by_attendance_mode=Breakdown(
            "modalites",
            "Par modalité de participation",
            _in_order(_counts(events, "attendance_mode"), AttendanceMode.choices),
            "Modalité",
        ),
        submissions_per_day=Breakdown(
            "soumissions",
            "Soumissions par jour",
            submissions_per_day(edition=edition),
            "Jour",
        ),
    )


# Charts drawn on the server. Geometry only: the template writes the SVG elements.

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 290
BAR_AREA = 360
VALUE_WIDTH = 70
LABEL_MAX_CHARS = 42


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Bar] = field(default_factory=list)  # x-axis labels of column charts

    @property
    def label_x(self) -> int:
        """Where the right-aligned labels of a horizontal bar chart end."""
        return LABEL_WIDTH - 8


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def horizontal_bar_chart(rows: list[Row]) -> Chart:
    """One bar per row, labels on the left, values at the end of the bars."""
    top = max((row.value for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(BAR_AREA * row.value / top)
        bars.append(
            Bar(
                label=_short(row.label),
                value=row.value,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
            )
        )
    height = max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return Chart(width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height=height, bars=bars)


COLUMN_AREA_HEIGHT = 180
COLUMN_CHART_WIDTH = 720
AXIS_HEIGHT = 24


def column_chart(rows: list[Row], *, tick_every: int = 7) -> Chart:
    """One column per row (a day), a label under the first column and then every `tick_every`."""
    top = max((row.value for row in rows), default=0) or 1
    slot = max(4, min(28, COLUMN_CHART_WIDTH // max(len(rows), 1)))
    bars, ticks = [], []
    for index, row in enumerate(rows):
        height = round(COLUMN_AREA_HEIGHT * row.value / top)
        x = index * slot
        bar = Bar(
            label=row.label,
            value=row.value,
            x=x + 1,
            y=COLUMN_AREA_HEIGHT - height,
            width=slot - 2,
            height=height,
            text_x=x,
            text_y=COLUMN_AREA_HEIGHT + 16,
        )
        bars.append(bar)
        if index % tick_every == 0:
            ticks.append(bar)
    width = max(len(rows) * slot, COLUMN_CHART_WIDTH // 2) + 60
    return Chart(width=width, height=COLUMN_AREA_HEIGHT + AXIS_HEIGHT, bars=bars, ticks=ticks)
