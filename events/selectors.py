"""Reads on events for the domain: the current edition, the moderation queue, the organiser
space's lists and duplicate hints. The public programme's reads live in `programme.selectors`."""

import datetime
import difflib
from collections.abc import Iterable

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Substr
from django.utils import timezone

from moisinno.roles import relay_regions
from moisinno.text import fold
from organizers.enums import MembershipStatus

from .enums import EventStatus
from .models import Edition, Event, EventReport, ModerationLogEntry
from .states import STATUSES


def current_edition() -> Edition | None:
    """The edition marked current, else the most recent one."""
    return (
        Edition.objects.filter(is_current=True).first() or Edition.objects.order_by("-year").first()
    )


#: The usual calendar of an edition: November, referencing from September to late October,
#: the programme opening to the public on the first day at 9 h (Paris).
EDITION_START = (11, 2)
EDITION_END = (11, 30)
REFERENCING_OPENS = (9, 1)
REFERENCING_CLOSES = (10, 29)
OPENING_TIME = datetime.time(9)


def next_edition_defaults() -> dict:
    """A new edition prefilled from the latest one (« Préparer l'édition suivante »): the next
    year and number, November dates, a referencing window ending late October, the opening on
    the first day, the name, theme and presentation to edit. Formats and themes are shared by
    every edition: they carry over as they are."""
    latest = Edition.objects.order_by("-year").first()
    if latest is None:
        return {}
    year = latest.year + 1

    def day(month_day: tuple[int, int]) -> datetime.date:
        return datetime.date(year, *month_day)

    start = day(EDITION_START)
    return {
        "year": year,
        "number": latest.number + 1,
        "name": latest.name,
        "theme": latest.theme,
        "description": latest.description,
        "start_date": start,
        "end_date": day(EDITION_END),
        "referencing_opens_on": day(REFERENCING_OPENS),
        "referencing_closes_on": day(REFERENCING_CLOSES),
        "publication_at": timezone.make_aware(datetime.datetime.combine(start, OPENING_TIME)),
    }


def published_events(*, edition: Edition):
    return Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED)


# DITP moderation.

DUPLICATE_TITLE_PREFIX = 15


def in_moderation_queue() -> Q:
    """Events waiting for DITP: submitted ones, published ones changed since validation, and
    those a visitor reported an error on (open reports).

    The reported events are read first (one short query): with their keys as a list,
    PostgreSQL combines three index scans (`event_queue_idx`, `event_changed_idx`, the primary
    key), where a subquery among the alternatives made it read the whole table for each of the
    queue's count, page and date bounds."""
    reported = list(open_reports().order_by().values_list("event_id", flat=True).distinct())
    return (
        Q(status=EventStatus.SUBMITTED)
        | Q(status=EventStatus.PUBLISHED, changed_since_validation=True)
        | Q(pk__in=reported)
    )


def moderated_by(user, *, prefix: str = "") -> Q:
    """The events `user` moderates: everything for a national moderator; for a regional relay,
    its regions' events and those assigned to it (`prefix`: "event__" from a related model)."""
    regions = relay_regions(user)
    if regions is None:
        return Q()
    return Q(**{f"{prefix}region__in": sorted(regions)}) | Q(**{f"{prefix}assigned_relay": user.pk})


def open_reports() -> QuerySet[EventReport]:
    return EventReport.objects.filter(closed_at__isnull=True)


def with_open_report_counts(queryset):
    """Annotate `open_reports`: how many visitors' reports wait on each event (one subquery)."""
    counts = (
        open_reports()
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        open_reports=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
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


def events_of_member(*, user) -> QuerySet[Event]:
    """Events of the organisations where `user` is an active member (ownership checks)."""
    if not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(
        organization__memberships__user=user,
        organization__memberships__status=MembershipStatus.ACTIVE,
    )


def _is_past(today: datetime.date) -> Q:
    """The event's last day is over (an event without sessions is not past)."""
    return Q(ends_on__lt=today)


def organization_event_counts(
    *, organization, edition: Edition | None
) -> dict[tuple[str, bool], int]:
    """How many of the organisation's events of `edition` have each status, split by whether
    their last day is over: `{(status, past): count}`, one query (the dashboard's filters)."""
    past = Case(When(_is_past(timezone.localdate()), then=Value(True)), default=Value(False))
    rows = (
        Event.objects.filter(organization=organization, edition=edition)
        .order_by()
        .annotate(past=past)
        .values("status", "past")
        .annotate(count=Count("pk"))
    )
    return {(row["status"], row["past"]): row["count"] for row in rows}


def organization_events(
    *,
    organization,
    edition: Edition | None,
    statuses: Iterable[str] | None = None,
    past: bool | None = None,
) -> QuerySet[Event]:
    """The organisation's events of `edition` for its dashboard, what needs attention first
    (the order of `states.STATUSES`), then by date; only `statuses` if given, only the events
    whose last day is over (`past=True`) or only the others (`past=False`) if given."""
    events = Event.objects.filter(organization=organization, edition=edition)
    if statuses is not None:
        events = events.filter(status__in=list(statuses))
    if past is not None:
        today = timezone.localdate()
        events = events.filter(_is_past(today)) if past else events.exclude(_is_past(today))
    attention_first = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUSES)),
        output_field=IntegerField(),
    )
    return (
        events.select_related("format", "edition")
        .prefetch_related("sessions")
        .order_by(attention_first, "starts_on", "title", "pk")
    )


def organization_ditp_edits(
    *, organization, edition: Edition | None, limit: int = 10
) -> list[ModerationLogEntry]:
    """The latest changes the DITP made to the organisation's events of `edition`, most
    recent first, with the changed fields (the dashboard's table)."""
    return list(
        ModerationLogEntry.objects.filter(
            kind=ModerationLogEntry.EDIT, event__organization=organization, event__edition=edition
        )
        .select_related("event")
        .order_by("-created_at", "-pk")[:limit]
    )


def organization_past_events(*, organization, edition: Edition | None) -> QuerySet[Event]:
    """The organisation's events of the other editions, most recent first (to duplicate)."""
    events = Event.objects.filter(organization=organization)
    if edition is not None:
        events = events.exclude(edition=edition)
    return events.select_related("edition").order_by("-edition__year", "title", "pk")


def _normalized_title(title: str) -> str:
    return " ".join("".join(char if char.isalnum() else " " for char in fold(title)).split())


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
