"""Reads of the public site: the programme and its facets, the calendar, event, lab and
organisation pages, the home page's key figures. Only public events (`Event.objects.public()`)."""

import calendar
import datetime
import hashlib
from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import QueryDict
from django.utils import timezone

from events.enums import EventStatus
from events.models import (
    Collection,
    Edition,
    Event,
    EventResource,
    EventSession,
    normalised_selection_query,
)
from events.selectors import published_events
from labs.enums import LabKind
from labs.models import Lab
from moisinno.geography import region_name, region_of_department
from moisinno.pagecache import event_tag, tag_cached_many, version_cached

from .cards import card_markup
from .filters import LabFilterSet, ProgrammeFilterSet, outside_edition_q


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
    """Published events of the edition, the labs involved in them and the regions they cover,
    in one aggregate over the events and their labs, kept until the public content changes
    (the aggregate reads every published event: tens of milliseconds at 10,000 events)."""

    def compute() -> dict:
        return published_events(edition=edition).aggregate(
            total=Count("pk", distinct=True),
            regions=Count("region", distinct=True, filter=~Q(region="")),
            with_labs=Count("pk", distinct=True, filter=Q(labs__isnull=False)),
            labs=Count("labs", distinct=True),
        )

    counts = version_cached(f"key-figures:{edition.pk}", compute)
    return KeyFigures(
        events=counts["total"],
        labs=counts["labs"],
        regions=counts["regions"],
        with_labs=counts["with_labs"],
    )


# Public programme ----------------------------------------------------------------------------

PROGRAMME_PAGE_SIZE = 20
DEROGATIONS_PREVIEW = 6
CALENDAR_MAX_MONTHS = 4


def public_events(*, edition: Edition | None = None) -> QuerySet[Event]:
    """Events the public sees (published or cancelled), with what their cards show (and not
    the long texts cards do not show; the edition for its default image)."""
    events = (
        Event.objects.public()
        .select_related("organization", "format", "edition")
        .defer("description", "search_text", "search_vector")
        # The cards' « Ressources disponibles » badge, in the same query.
        .annotate(has_resources=Exists(EventResource.objects.filter(event=OuterRef("pk"))))
    )
    return events.filter(edition=edition) if edition is not None else events


# What a card shows (programme/includes/event_card.html, the star button): a programme page reads
# these columns only, and builds its 26 events from 17 columns instead of 50.
CARD_FIELDS = (
    "edition",
    "slug",
    "title",
    "summary",
    "status",
    "schedule_status",
    "attendance_mode",
    "city",
    "department",
    "region",
    "starts_on",
    "ends_on",
    "organization__name",
    "organization__slug",
    "format__name",
    "format__slug",
    # Its on-platform registration's badge (programme/seats.py), from its sessions' counts.
    "registration_mode",
    # The card's image (events/images.py), else the edition's default one.
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "image_decorative",
    "image_credit",
    "edition__default_image",
    "edition__default_image_width",
    "edition__default_image_height",
    "edition__default_image_credit",
)


#: What a card reads of its sessions: their dates and times, where they are held, and the
#: counts of on-platform registration (programme/seats.py: no query per card).
CARD_SESSION_FIELDS = (
    "event_id",
    "date",
    "start_time",
    "end_time",
    "attendance_mode",
    "city",
    "department",
    "capacity",
    "waiting_list",
    "registration_closes_at",
    "seats_taken",
    "waiting_count",
)


def prefetch_cards(events: list[Event]) -> list[Event]:
    """Sessions and labs of the cards, in two queries whatever the number of events."""
    prefetch_related_objects(
        events,
        Prefetch("sessions", queryset=EventSession.objects.only(*CARD_SESSION_FIELDS)),
        Prefetch("labs", queryset=Lab.objects.only("name", "slug")),
    )
    return events


def with_cards(events: list[Event], heading: str = "h3") -> list[Event]:
    """`events` with their cards rendered (`cards.card_markup`, its footer left for the
    visitor's star button): a card depends only on its event, so it is kept until that event
    changes and shared by every page listing it (each filter, page and order). Only
    the events whose card is not kept yet get their sessions and labs read (`prefetch_cards`)
    and their card rendered."""

    def render(missing: list[Event]) -> dict[Event, str]:
        prefetch_cards(missing)
        return {event: card_markup(event, heading) for event in missing}

    # "card3": the markup with its footer slot and its seats' badge (cards kept before had
    # neither). With Redis, a card is kept until its own event changes (or everything does: a
    # renamed organisation, lab or format; a registration touches its event): after an edit,
    # a list renders one card again, not all of them.
    rendered = tag_cached_many(
        {event: (f"card3:{heading}:{event.pk}", [event_tag(event.pk)]) for event in events},
        render,
    )
    for event in events:
        event.rendered_cards = {heading: rendered[event]}
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

    def cached(self, name: str, compute):
        """`compute()` for this selection (its criteria, whatever the page or the order), kept
        until the public content changes or the day ends: paging through a selection, sorting
        it or coming back to it counts its events once. Not kept with « Places disponibles »:
        the seats change without the public content's version (a registration only touches
        the pages that show it, `registrations.services`), and that selection is small."""
        if self.form.cleaned_data.get("places_disponibles"):
            return compute()
        data = self.filterset.data.copy()
        for parameter in ("page", "tri"):
            data.pop(parameter, None)
        criteria = hashlib.sha256(data.urlencode().encode()).hexdigest()[:32]
        day = timezone.localdate().isoformat()
        return version_cached(f"{name}:{self.edition.pk}:{day}:{criteria}", compute)


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
    params = params if params is not None else QueryDict()
    events = public_events(edition=edition)
    if params.get(COLLECTION_PARAMETER):
        events = collection_scope(events, slug=params[COLLECTION_PARAMETER], edition=edition)
    filterset = ProgrammeFilterSet(params, queryset=events, edition=edition)
    filterset.errors  # validate now: invalid criteria are dropped  # noqa: B018
    return ProgrammeSelection(edition=edition, filterset=filterset)


# Collections (« parcours ») and featured events -------------------------------------------------

#: The parameter that narrows any programme selection (page, feeds, embed) to a collection.
COLLECTION_PARAMETER = "parcours"


def published_collection(*, slug: str) -> Collection | None:
    return Collection.objects.filter(slug=slug, is_published=True).select_related("edition").first()


def collection_scope(events: QuerySet[Event], *, slug: str, edition: Edition) -> QuerySet[Event]:
    """`events` narrowed to the collection `slug` of `edition`: its hand-picked events and
    those of its saved programme selection (none when there is no such collection online)."""
    collection = Collection.objects.filter(slug=slug, edition=edition, is_published=True).first()
    if collection is None:
        return events.none()
    scope = Q(pk__in=collection.events.values("pk"))
    if collection.query:
        query = normalised_selection_query(collection.query)  # never itself a collection
        saved = programme_events(edition=edition, params=QueryDict(query))
        scope |= Q(pk__in=saved.events.order_by().values("pk"))
    return events.filter(scope)


def published_collections() -> list[Collection]:
    """Every online collection for `/parcours/`: the current edition's first, then the past
    editions', newest first, each in its editorial order."""
    return list(
        Collection.objects.filter(is_published=True)
        .select_related("edition")
        .order_by("-edition__is_current", "-edition__year", "position", "title")
    )


def edition_collections(*, edition: Edition | None) -> list[Collection]:
    if edition is None:
        return []
    return list(Collection.objects.filter(edition=edition, is_published=True))


def event_collections(*, event: Event) -> list[Collection]:
    """The online collections of the event's edition that list it.

    Which public events each collection holds is computed once per edition and kept until the
    public content changes (`version_cached`): an event page then costs no query per collection,
    where testing the event against each collection's saved selection cost three."""
    edition = event.edition

    def compute() -> list[tuple[Collection, frozenset[int]]]:
        return [
            (
                collection,
                frozenset(
                    collection_scope(
                        public_events(edition=edition), slug=collection.slug, edition=edition
                    )
                    .order_by()
                    .values_list("pk", flat=True)
                ),
            )
            for collection in edition_collections(edition=edition)
        ]

    members = version_cached(f"collection-members:{edition.pk}", compute)
    return [collection for collection, event_ids in members if event.pk in event_ids]


FEATURED_LIMIT = 6


def featured_events(*, edition: Edition | None, limit: int = FEATURED_LIMIT) -> list[Event]:
    """The edition's public events « à la une », soonest first, with their cards' relations."""
    if edition is None:
        return []
    events = public_events(edition=edition).filter(is_featured=True, status=EventStatus.PUBLISHED)
    return prefetch_cards(list(events.order_by("starts_on", "title", "pk")[:limit]))


@dataclass(frozen=True)
class ProgrammeCounts:
    """Numbers of the programme page, from one grouped query (see `programme_counts`)."""

    main: int  # the listed events: within the official dates, or outside with `hors_dates`
    derogations: int  # the events outside the official dates (the "… c'est aussi" section)
    regions: dict[str, int]  # matching events per region, ignoring the place filters
    formats: dict[int, int]  # matching events per format, ignoring the format filter


def programme_counts(*, selection: ProgrammeSelection) -> ProgrammeCounts:
    """The page's counts and its region and format facets in two queries.

    The events matching every filter but the place and format ones are counted per region,
    department, format and "outside the official dates"; those filters are then applied to the
    few hundred groups in Python. One pass over the events instead of four (on 10,000 events,
    each pass costs a few milliseconds, more with a text search). A second query adds the
    events held in other departments too (`_held_elsewhere`), as the place filters find them.
    """
    return selection.cached("programme-counts", lambda: _programme_counts(selection))


def _programme_counts(selection: ProgrammeSelection) -> ProgrammeCounts:
    cleaned = selection.form.cleaned_data
    region, department = cleaned.get("region") or "", cleaned.get("departement") or ""
    formats = cleaned.get("format")
    format_ids = {f.pk for f in formats} if formats else None  # nothing checked: no filter
    unplaced = selection.filterset.queryset_without("region", "departement", "format")
    outside_case = Case(
        When(outside_edition_q(selection.edition), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    groups = (
        unplaced.annotate(outside=outside_case)
        # The department only matters to its filter: without one, a tenth of the groups.
        .annotate(place=F("department") if department else Value(""))
        .values_list("region", "place", "format", "outside")
        .annotate(n=Count("*"))  # not the primary key: PostgreSQL reads its covering index
    )
    main = derogations = 0
    outside_only = selection.outside_only
    by_region: dict[str, int] = {}
    by_format: dict[int, int] = {}

    def count(n: int, *, place_ok: bool, format_ok: bool, row_format, outside: bool) -> None:
        nonlocal main, derogations
        if place_ok and row_format is not None:
            by_format[row_format] = by_format.get(row_format, 0) + n
        if place_ok and format_ok:
            derogations += n if outside else 0
            # With `hors_dates`, every group is outside the dates and all of them are listed.
            main += n if outside_only or not outside else 0

    for row_region, row_department, row_format, outside, n in groups:
        place_ok = (not region or row_region == region) and (
            not department or row_department == department
        )
        format_ok = format_ids is None or row_format in format_ids
        if format_ok and row_region:
            by_region[row_region] = by_region.get(row_region, 0) + n
        count(n, place_ok=place_ok, format_ok=format_ok, row_format=row_format, outside=outside)

    # Events with a session in another department than their own place: counted in each
    # other region too, and matching a place filter through any session (`place_q`).
    for own_region, own_department, row_format, outside, departments in _held_elsewhere(
        unplaced, outside_case
    ):
        format_ok = format_ids is None or row_format in format_ids
        regions = {region_of_department(code) for code in departments} - {""}
        if format_ok:
            for other in regions - {own_region}:
                by_region[other] = by_region.get(other, 0) + 1
        own_ok = (not region or own_region == region) and (
            not department or own_department == department
        )
        if own_ok:
            continue  # counted with its own place above
        place_ok = (not region or region in regions | {own_region}) and (
            not department or department in departments | {own_department}
        )
        count(1, place_ok=place_ok, format_ok=format_ok, row_format=row_format, outside=outside)
    return ProgrammeCounts(main=main, derogations=derogations, regions=by_region, formats=by_format)


def _held_elsewhere(events: QuerySet[Event], outside_case: Case) -> list[tuple]:
    """(region, department, format, outside, {other departments}) of the `events` on tour:
    with sessions in person in other departments than their own place (`other_departments`),
    few of them, read from `event_on_tour_idx`. One query."""
    rows = (
        events.exclude(other_departments="")
        .annotate(outside=outside_case)
        .values_list("region", "department", "format", "outside", "other_departments")
    )
    return [(*row[:4], set(row[4].split())) for row in rows]


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
    events = selection.events.only(*CARD_FIELDS)
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
    with_cards(cards + derogations)
    page_obj.object_list = cards
    return ProgrammeListing(
        page=page_obj,
        derogations=derogations,
        derogations_count=derogations_count,
        page_message=message.replace(" :", "\u00a0:"),
    )


def starred_events(ids: list[int]) -> list[Event]:
    """The public events among `ids` (« Mon programme », programme/starred.py), by date, with
    what their cards show (a constant number of queries). Events no longer public drop out."""
    if not ids:
        return []
    events = (
        public_events()
        .filter(pk__in=ids)
        .select_related("edition")
        .order_by("starts_on", "title", "pk")
    )
    return prefetch_cards(list(events))


def starred_events_for_calendar(ids: list[int]) -> list[Event]:
    """The public events among `ids` with everything their iCalendar entries show."""
    if not ids:
        return []
    return list(
        Event.objects.public()
        .filter(pk__in=ids)
        .select_related("organization", "format")
        .prefetch_related("sessions")
        .order_by("starts_on", "title", "pk")
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

    def theme_counts() -> dict[int, int]:
        return dict(
            Event.themes.through.objects.filter(
                event__in=selection.filterset.queryset_without("theme").values("pk")
            )
            .values_list("theme")
            .annotate(n=Count("*"))
            .order_by()
        )

    themes = selection.cached("programme-themes", theme_counts)
    return ProgrammeFacets(regions=counts.regions, formats=counts.formats, themes=themes)


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
            "resources",
            "themes",
            Prefetch("labs", queryset=Lab.objects.only("name", "slug")),
            "co_organizers",
        )
        .filter(slug=slug)
        .first()
    )


def event_related(*, event: Event, limit: int = 3) -> list[Event]:
    """Published events of the same edition sharing a lab or a theme, those with a lab first,
    then those in the same region, then by date, with their cards' relations: kept until the
    public content changes (`version_cached`), an event page's miss then reads none of them."""

    def compute() -> list[Event]:
        chosen = related_event_ids(event=event, limit=limit)
        if not chosen:
            return []
        position = {pk: index for index, pk in enumerate(chosen)}
        cards = public_events(edition=event.edition).filter(pk__in=chosen).only(*CARD_FIELDS)
        return prefetch_cards(sorted(cards, key=lambda e: position[e.pk]))

    return version_cached(f"event-related:{event.pk}", compute)


def related_event_ids(*, event: Event, limit: int = 3) -> list[int]:
    """The keys of `event_related`, bounded whatever the size of the programme: the events
    sharing a lab (a lab has a few dozen) are ranked from their keys alone; those sharing a
    theme (a theme has thousands) by walking the edition's published events in date order
    (`event_region_order_idx`, `event_programme_idx`) until `limit` have a link to one of the
    themes, instead of sorting them all. Three small queries."""
    candidates = (
        Event.objects.filter(edition=event.edition, status=EventStatus.PUBLISHED)
        .exclude(pk=event.pk)
        .order_by("starts_on", "pk")
    )
    # The event's labs and themes as subqueries: the same queries whether it has some or not.
    own_labs = Event.labs.through.objects.filter(event=event).values("lab_id")
    own_themes = Event.themes.through.objects.filter(event=event).values("theme_id")
    sharing_a_lab = candidates.filter(
        pk__in=Event.labs.through.objects.filter(lab__in=own_labs).values("event_id")
    )
    ranked = sorted(
        sharing_a_lab.values_list("pk", "region", "starts_on"),
        key=lambda k: (not (event.region and k[1] == event.region), k[2], k[0]),
    )
    chosen = [pk for pk, _, _ in ranked[:limit]]
    sharing_a_theme = candidates.filter(
        Exists(Event.themes.through.objects.filter(event=OuterRef("pk"), theme__in=own_themes))
    ).exclude(pk__in=chosen)
    for place in (Q(region=event.region) & ~Q(region=""), ~Q(region=event.region) | Q(region="")):
        chosen += sharing_a_theme.filter(place).values_list("pk", flat=True)[:limit]
    return chosen[:limit]


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


# Labs atlas ---------------------------------------------------------------------------------


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
    labs: list[Lab] = field(default_factory=list)  # all of them, by name (the map)

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
    atlas = LabAtlas(filterset=filterset, edition=edition, labs=labs)
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
