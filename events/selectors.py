"""Reads on events."""

import calendar
import datetime
import difflib
import unicodedata
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Lower, Substr
from django.http import QueryDict
from django.utils import timezone

from labs.models import Lab
from organizers.enums import MembershipStatus

from .enums import EventStatus
from .filters import ProgrammeFilterSet, outside_edition_q
from .models import Edition, Event, EventSession


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


# DITP moderation.

DUPLICATE_TITLE_PREFIX = 15


def in_moderation_queue() -> Q:
    """Events waiting for DITP: submitted ones, and published ones changed since validation."""
    return Q(status=EventStatus.SUBMITTED) | Q(
        status=EventStatus.PUBLISHED, changed_since_validation=True
    )


def _title_key(expression):
    return Lower(Substr(expression, 1, DUPLICATE_TITLE_PREFIX))


def with_possible_duplicates(queryset):
    """Annotate `possible_duplicate`: another live event of the same organisation, on the same
    first day, whose title starts the same way (case-insensitive). One subquery, no extra query
    (the organiser-side check, `event_possible_duplicates`, compares whole titles in Python)."""
    others = (
        Event.objects.annotate(title_key=_title_key("title"))
        .filter(
            organization_id=OuterRef("organization_id"),
            starts_on=OuterRef("starts_on"),
            title_key=_title_key(OuterRef("title")),
        )
        .exclude(pk=OuterRef("pk"))
        .exclude(status__in=[EventStatus.REJECTED, EventStatus.CANCELLED])
    )
    return queryset.annotate(possible_duplicate=Exists(others))


# Organiser space.

DUPLICATE_TITLE_SIMILARITY = 0.6


def referencing_is_open(*, edition: Edition, today: datetime.date | None = None) -> bool:
    """Inside the edition's referencing window (both days included)."""
    today = today or timezone.localdate()
    if edition.referencing_opens_on and today < edition.referencing_opens_on:
        return False
    return today <= edition.referencing_closes_on


def referencing_open_for(*, edition: Edition, user) -> bool:
    """Organisers reference events inside the window; DITP moderators at any time."""
    return referencing_is_open(edition=edition) or (
        user.is_authenticated and user.is_active and user.has_perm("events.moderate_event")
    )


def events_of_member(*, user) -> QuerySet[Event]:
    """Events of the organisations where `user` is an active member (ownership checks)."""
    if not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(
        organization__memberships__user=user,
        organization__memberships__status=MembershipStatus.ACTIVE,
    )


def organization_events(*, organization, edition: Edition | None) -> QuerySet[Event]:
    """The organisation's events of `edition`, for its dashboard."""
    return (
        Event.objects.filter(organization=organization, edition=edition)
        .select_related("format", "edition")
        .prefetch_related("sessions")
        .order_by("starts_on", "title", "pk")
    )


def organization_past_events(*, organization, edition: Edition | None) -> QuerySet[Event]:
    """The organisation's events of the other editions, most recent first (to duplicate)."""
    events = Event.objects.filter(organization=organization)
    if edition is not None:
        events = events.exclude(edition=edition)
    return events.select_related("edition").order_by("-edition__year", "title", "pk")


def _normalized_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join("".join(char if char.isalnum() else " " for char in text).split())


def title_similarity(first: str, second: str) -> float:
    """0 to 1: how alike two titles are, ignoring case, accents and punctuation."""
    a, b = _normalized_title(first), _normalized_title(second)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def event_possible_duplicates(*, event: Event) -> list[Event]:
    """Other live events of the same organisation, on one of the same days, with a similar
    title: pointed out to the organiser at submission."""
    days = list(event.sessions.values_list("date", flat=True))
    if not days:
        return []
    candidates = (
        Event.objects.filter(
            organization_id=event.organization_id,
            edition_id=event.edition_id,
            sessions__date__in=days,
        )
        .exclude(pk=event.pk)
        .exclude(status__in=[EventStatus.REJECTED, EventStatus.CANCELLED])
        .distinct()
        .order_by("title", "pk")
    )
    return [
        other
        for other in candidates
        if title_similarity(event.title, other.title) >= DUPLICATE_TITLE_SIMILARITY
    ]


# Public programme ----------------------------------------------------------------------------

PROGRAMME_PAGE_SIZE = 20
DEROGATIONS_PREVIEW = 6
CALENDAR_MAX_MONTHS = 4


def public_events(*, edition: Edition | None = None) -> QuerySet[Event]:
    """Events the public sees (published or cancelled), with what their cards show (and not
    the long texts cards do not show)."""
    events = (
        Event.objects.public()
        .select_related("organization", "format")
        .defer("description", "search_text", "search_vector")
    )
    return events.filter(edition=edition) if edition is not None else events


def prefetch_cards(events: list[Event]) -> list[Event]:
    """Sessions and labs of the cards, in two queries whatever the number of events."""
    prefetch_related_objects(
        events, "sessions", Prefetch("labs", queryset=Lab.objects.only("name", "slug"))
    )
    return events


@dataclass
class ProgrammeSelection:
    """The public events of an edition filtered by GET parameters (see events/filters.py)."""

    edition: Edition
    filterset: ProgrammeFilterSet

    @property
    def form(self):
        return self.filterset.form

    @property
    def events(self) -> QuerySet[Event]:
        """Every matching event, derogations included, in the requested order."""
        return self.filterset.qs

    @property
    def outside_only(self) -> bool:
        return bool(self.form.cleaned_data.get("hors_dates"))


def programme_events(*, edition: Edition, params: QueryDict | dict | None) -> ProgrammeSelection:
    """Filter the public events of `edition` with `params` (the programme's GET parameters).

    Invalid parameters are ignored (`selection.filterset.error_messages()` says which): the
    same filtering serves the programme page, the calendar, the feeds and the exports.
    """
    if params is not None and not isinstance(params, QueryDict):
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data.setlist(key, value if isinstance(value, (list, tuple)) else [value])
        params = data
    filterset = ProgrammeFilterSet(
        params if params is not None else QueryDict(),
        queryset=public_events(edition=edition),
        edition=edition,
    )
    filterset.errors  # validate now: invalid criteria are dropped  # noqa: B018
    return ProgrammeSelection(edition=edition, filterset=filterset)


@dataclass(frozen=True)
class ProgrammeCounts:
    """Numbers of the programme page, from one grouped query (see `programme_counts`)."""

    main: int  # the listed events: within the official dates, or outside with `hors_dates`
    derogations: int  # the events outside the official dates (the "… c'est aussi" section)
    regions: dict[str, int]  # matching events per region, ignoring the place filters
    formats: dict[int, int]  # matching events per format, ignoring the format filter


def programme_counts(*, selection: ProgrammeSelection) -> ProgrammeCounts:
    """The page's counts and its region and format facets in one query.

    The events matching every filter but the place and format ones are counted per region,
    department, format and "outside the official dates"; those filters are then applied to the
    few hundred groups in Python. One pass over the events instead of four (on 10,000 events,
    each pass costs a few milliseconds, more with a text search).
    """
    cleaned = selection.form.cleaned_data
    region, department = cleaned.get("region") or "", cleaned.get("departement") or ""
    formats = cleaned.get("format")
    format_ids = {f.pk for f in formats} if formats else None  # nothing checked: no filter
    groups = (
        selection.filterset.queryset_without("region", "departement", "format")
        .annotate(
            outside=Case(
                When(outside_edition_q(selection.edition), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("region", "department", "format", "outside")
        .annotate(n=Count("*"))  # not the primary key: PostgreSQL reads its covering index
    )
    main = derogations = 0
    by_region: dict[str, int] = {}
    by_format: dict[int, int] = {}
    for row_region, row_department, row_format, outside, n in groups:
        place_ok = (not region or row_region == region) and (
            not department or row_department == department
        )
        format_ok = format_ids is None or row_format in format_ids
        if format_ok and row_region:
            by_region[row_region] = by_region.get(row_region, 0) + n
        if place_ok and row_format is not None:
            by_format[row_format] = by_format.get(row_format, 0) + n
        if place_ok and format_ok:
            derogations += n if outside else 0
            # With `hors_dates`, every group is outside the dates and all of them are listed.
            main += n if selection.outside_only or not outside else 0
    return ProgrammeCounts(main=main, derogations=derogations, regions=by_region, formats=by_format)


@dataclass
class ProgrammeListing:
    page: Page
    derogations: list[Event]
    derogations_count: int
    page_message: str = ""

    @property
    def count(self) -> int:
        return self.page.paginator.count


def programme_listing(
    *,
    selection: ProgrammeSelection,
    page: str | None,
    counts: ProgrammeCounts | None = None,
    per_page: int = PROGRAMME_PAGE_SIZE,
) -> ProgrammeListing:
    """One page of the programme, and the first events held outside the official dates.

    Unless the visitor asked for them only (`hors_dates`), derogations are listed apart:
    "… c'est aussi". A constant number of queries whatever the number of events; two fewer
    with `counts` (from `programme_counts`).
    """
    outside = outside_edition_q(selection.edition)
    events = selection.events
    main = events if selection.outside_only else events.exclude(outside)
    paginator = Paginator(main, per_page)
    if counts is not None:
        paginator.count = counts.main  # a cached property: no COUNT query
    message = ""
    try:
        number = int(page) if page not in (None, "") else 1
    except (TypeError, ValueError):
        number, message = 1, "Le numéro de page demandé n’est pas valide : voici la première page."
    if number < 1:
        number, message = 1, "Le numéro de page demandé n’est pas valide : voici la première page."
    elif number > paginator.num_pages:
        message = (
            f"La page {number} n’existe pas : voici la dernière page (page {paginator.num_pages})."
        )
        number = paginator.num_pages
    page_obj = paginator.page(number)
    cards = list(page_obj.object_list)
    derogations: list[Event] = []
    derogations_count = 0
    if not selection.outside_only and number == 1:
        derogations = list(events.filter(outside)[:DEROGATIONS_PREVIEW])
        # Always counted (not only when the preview is full): a constant number of queries.
        derogations_count = (
            counts.derogations if counts is not None else events.filter(outside).count()
        )
    prefetch_cards(cards + derogations)
    page_obj.object_list = cards
    return ProgrammeListing(
        page=page_obj,
        derogations=derogations,
        derogations_count=derogations_count,
        page_message=message.replace(" :", "\u00a0:"),
    )


@dataclass(frozen=True)
class ProgrammeFacets:
    """How many matching events per region, format and theme (each ignoring its own filter)."""

    regions: dict[str, int]
    formats: dict[int, int]
    themes: dict[int, int]


def programme_facets(
    *, selection: ProgrammeSelection, counts: ProgrammeCounts | None = None
) -> ProgrammeFacets:
    """Regions and formats from `counts` (computed if not given), themes in one more query."""
    counts = counts or programme_counts(selection=selection)
    themes = (
        Event.themes.through.objects.filter(
            event__in=selection.filterset.queryset_without("theme").values("pk")
        )
        .values_list("theme")
        .annotate(n=Count("*"))
        .order_by()
    )
    return ProgrammeFacets(regions=counts.regions, formats=counts.formats, themes=dict(themes))


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    in_month: bool
    count: int
    in_edition: bool


@dataclass(frozen=True)
class CalendarMonth:
    first_day: datetime.date
    weeks: list[list[CalendarDay]]


def programme_calendar(*, selection: ProgrammeSelection) -> list[CalendarMonth]:
    """The months of the edition, day by day, with the number of matching events each day.

    One aggregate query grouped by session date. Months with derogation sessions close to the
    edition are shown too (at most CALENDAR_MAX_MONTHS months).
    """
    edition = selection.edition
    sessions = EventSession.objects.filter(event__in=selection.events.order_by().values("pk"))
    cleaned = selection.form.cleaned_data
    if cleaned.get("du"):
        sessions = sessions.filter(date__gte=cleaned["du"])
    if cleaned.get("au"):
        sessions = sessions.filter(date__lte=cleaned["au"])
    counts = dict(sessions.values_list("date").annotate(n=Count("event", distinct=True)).order_by())
    first = min([edition.start_date, *counts]).replace(day=1)
    last = max([edition.end_date, *counts])
    months = []
    month = first
    while month <= last and len(months) < CALENDAR_MAX_MONTHS:
        weeks = [
            [
                CalendarDay(
                    date=day,
                    in_month=day.month == month.month,
                    count=counts.get(day, 0),
                    in_edition=edition.start_date <= day <= edition.end_date,
                )
                for day in week
            ]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(
                month.year, month.month
            )
        ]
        months.append(CalendarMonth(first_day=month, weeks=weeks))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    if len(months) == CALENDAR_MAX_MONTHS and first < edition.start_date.replace(day=1):
        # Too wide: keep the edition's months, where almost every event is.
        return [
            m
            for m in months
            if edition.start_date.replace(day=1) <= m.first_day <= edition.end_date
        ] or months
    return months


# Event page ----------------------------------------------------------------------------------


def public_event(*, slug: str) -> Event | None:
    """A public event with everything its page shows, or None (not found or not public)."""
    return (
        Event.objects.public()
        .select_related("organization", "format", "edition")
        .prefetch_related(
            "sessions",
            "themes",
            Prefetch("labs", queryset=Lab.objects.select_related("host_organization")),
            "co_organizers",
        )
        .filter(slug=slug)
        .first()
    )


def event_related(*, event: Event, limit: int = 3) -> list[Event]:
    """Published events of the same edition sharing a lab or a theme, those with a lab first,
    then those nearby, then by date."""
    lab_ids = [lab.pk for lab in event.labs.all()]
    theme_ids = [theme.pk for theme in event.themes.all()]
    if not lab_ids and not theme_ids:
        return []
    same_lab = Exists(Event.labs.through.objects.filter(event=OuterRef("pk"), lab__in=lab_ids))
    same_theme = Exists(
        Event.themes.through.objects.filter(event=OuterRef("pk"), theme__in=theme_ids)
    )
    related = list(
        public_events(edition=event.edition)
        .filter(status=EventStatus.PUBLISHED)
        .exclude(pk=event.pk)
        .annotate(
            same_lab=same_lab,
            same_region=ExpressionWrapper(
                Q(region=event.region) & ~Q(region=""), output_field=BooleanField()
            ),
        )
        .filter(Q(same_lab=True) | same_theme)
        .order_by("-same_lab", "-same_region", "starts_on", "pk")[:limit]
    )
    return prefetch_cards(related)


# Organisations and labs ------------------------------------------------------------------------


def public_events_of_organization(*, organization) -> QuerySet[Event]:
    """Public events the organisation organises or co-organises, newest edition first."""
    co_organized = Event.co_organizers.through.objects.filter(
        event=OuterRef("pk"), organization=organization
    )
    return (
        public_events()
        .filter(Q(organization=organization) | Exists(co_organized))
        .select_related("edition")
        .order_by("-edition__year", "starts_on", "title", "pk")
    )


def public_events_of_lab(*, lab) -> QuerySet[Event]:
    """Public events the lab takes part in, newest edition first."""
    return (
        public_events()
        .filter(Exists(Event.labs.through.objects.filter(event=OuterRef("pk"), lab=lab)))
        .select_related("edition")
        .order_by("-edition__year", "starts_on", "title", "pk")
    )


def paginate(queryset: QuerySet, *, page: str | None, per_page: int = 24) -> Page:
    """A page of `queryset`; a missing, malformed or too large number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(page)
