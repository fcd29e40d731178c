"""The edition's bilan: what was planned, what happened, who came and what they thought.

Read in a constant number of queries whatever the size of the edition: one row per event
(its status, place, format, organiser kind and last day), then one grouped query each for the
declarations, the confirmed registrations, the survey answers, the themes and the labs. The
figures are added up in Python, per event and then per breakdown (region, department, format,
theme, organiser kind, lab, attendance mode).

Which events count (`BILAN_STATUSES`): the published ones and the cancelled ones (planned, then
called off). Each falls in exactly one of:
- cancelled: the workflow's « Annulé », or every declared session did not take place;
- held: a declaration with at least one session that took place;
- not declared: its last day is over and nothing was declared;
- coming: not over yet, nothing declared.

Satisfaction is shown only from `MIN_ANSWERS` answers (else None): fewer would let an organiser
or a visitor guess one participant's answer. No name, e-mail or comment is ever read here.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus
from events.models import Edition, Event
from moisinno.geography import department_name, region_name
from moisinno.text import fold
from organizers.enums import OrganizationKind
from registrations.models import Registration, RegistrationStatus

from .models import SessionAttendance, SurveyAnswer

MIN_ANSWERS = 5
BILAN_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
NOT_SET = "Non renseigné"
#: An online event without a region or department: not unknown, nowhere in particular.
ONLINE_NOWHERE = "En ligne, sans lieu"

HELD, CANCELLED, NOT_DECLARED, COMING = "held", "cancelled", "not_declared", "coming"

_PARTICIPANTS = Case(
    When(
        took_place=True,
        then=Coalesce(F("present_in_person"), Value(0)) + Coalesce(F("online_peak"), Value(0)),
    ),
    default=Value(0),
    output_field=IntegerField(),
)


@dataclass
class Figures:
    """Counters that add up: one event's, a breakdown row's or the edition's."""

    planned: int = 0
    held: int = 0
    cancelled: int = 0
    not_declared: int = 0
    participants: int = 0
    registered: int = 0
    # The share of agents, weighted by participants: only the declarations that gave it.
    agents_weighted: int = 0  # sum of participants × percent
    agents_base: int = 0  # participants of the declarations that gave a share
    answers: int = 0
    overall_sum: int = 0
    recommend_yes: int = 0
    recommend_answered: int = 0
    reuse_yes: int = 0
    reuse_answered: int = 0

    def add(self, other: "Figures") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def declared(self) -> int:
        """Events with a declaration (held, or declared as not having taken place), plus
        those cancelled by the workflow: nothing more is expected of them."""
        return self.held + self.cancelled

    @property
    def due(self) -> int:
        return self.declared + self.not_declared

    @property
    def declaration_rate(self) -> int | None:
        """Percent of the events over (or declared) whose outcome is known."""
        return round(100 * self.declared / self.due) if self.due else None

    @property
    def agents_share(self) -> int | None:
        return round(self.agents_weighted / self.agents_base) if self.agents_base else None

    @property
    def enough_answers(self) -> bool:
        return self.answers >= MIN_ANSWERS

    @property
    def satisfaction_mean(self) -> float | None:
        if not self.enough_answers:
            return None
        return round(self.overall_sum / self.answers, 1)

    @property
    def recommend_share(self) -> int | None:
        if not self.enough_answers or not self.recommend_answered:
            return None
        return round(100 * self.recommend_yes / self.recommend_answered)

    @property
    def reuse_share(self) -> int | None:
        if not self.enough_answers or not self.reuse_answered:
            return None
        return round(100 * self.reuse_yes / self.reuse_answered)


@dataclass(frozen=True)
class Row:
    label: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    slug: str
    title: str
    label_header: str
    rows: list[Row]

    @property
    def total_planned(self) -> int:
        return sum(row.figures.planned for row in self.rows)


@dataclass(frozen=True)
class EventToChase:
    pk: int
    title: str
    ends_on: datetime.date | None


@dataclass(frozen=True)
class OrganizationToChase:
    pk: int
    name: str
    events: list[EventToChase]


@dataclass(frozen=True)
class EditionFigures:
    """One edition's key figures, side by side with the others."""

    edition: Edition
    planned: int | None
    held: int | None
    participants: int | None
    registered: int | None
    satisfaction_mean: float | None
    # The figures come from the DITP's announcement, not from the detail.
    headline: bool = False

    @property
    def year(self) -> int:
        return self.edition.year


@dataclass(frozen=True)
class Bilan:
    edition: Edition
    regions: frozenset[str] | None
    totals: Figures
    by_region: Breakdown
    by_department: Breakdown
    by_format: Breakdown
    by_theme: Breakdown
    by_organization_kind: Breakdown
    by_lab: Breakdown
    by_attendance_mode: Breakdown
    to_chase: list[OrganizationToChase]
    past: list[EditionFigures] = field(default_factory=list)

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [
            self.by_region,
            self.by_department,
            self.by_format,
            self.by_theme,
            self.by_organization_kind,
            self.by_lab,
            self.by_attendance_mode,
        ]

    @property
    def lab_share(self) -> int | None:
        """Percent of the planned events with a lab."""
        with_lab = next((row for row in self.by_lab.rows if row.label == LAB_YES), None)
        if not self.totals.planned or with_lab is None:
            return None
        return round(100 * with_lab.figures.planned / self.totals.planned)


LAB_YES = "Avec un laboratoire"
LAB_NO = "Sans laboratoire"


def _events(*, edition: Edition, regions: Iterable[str] | None):
    events = Event.objects.filter(edition=edition, status__in=BILAN_STATUSES)
    if regions is not None:
        events = events.filter(region__in=list(regions))
    return events


def _per_event(queryset, key: str, **aggregates) -> dict[int, dict]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): row for row in rows}


def _attendance_by_event(event_ids) -> dict[int, dict]:
    return _per_event(
        SessionAttendance.objects.filter(session__event__in=event_ids),
        "session__event_id",
        sessions=Count("pk"),
        sessions_held=Count("pk", filter=Q(took_place=True)),
        participants=Sum(_PARTICIPANTS),
        agents_weighted=Sum(
            _PARTICIPANTS * F("agents_share"), filter=Q(agents_share__isnull=False)
        ),
        agents_base=Sum(_PARTICIPANTS, filter=Q(agents_share__isnull=False)),
    )


def _registered_by_event(event_ids) -> dict[int, int]:
    rows = _per_event(
        Registration.objects.filter(
            session__event__in=event_ids, status=RegistrationStatus.CONFIRMED
        ),
        "session__event_id",
        n=Count("pk"),
    )
    return {pk: row["n"] for pk, row in rows.items()}


def _survey_by_event(event_ids) -> dict[int, dict]:
    return _per_event(
        SurveyAnswer.objects.filter(
            registration__session__event__in=event_ids,
            answered_at__isnull=False,
            overall__isnull=False,
        ),
        "registration__session__event_id",
        answers=Count("pk"),
        overall_sum=Sum("overall"),
        recommend_yes=Count("pk", filter=Q(would_recommend=True)),
        recommend_answered=Count("pk", filter=Q(would_recommend__isnull=False)),
        reuse_yes=Count("pk", filter=Q(will_reuse_method=True)),
        reuse_answered=Count("pk", filter=Q(will_reuse_method__isnull=False)),
    )


def _outcome(status: str, attendance: dict | None, ends_on, today: datetime.date) -> str:
    if status == EventStatus.CANCELLED:
        return CANCELLED
    if attendance:
        return HELD if attendance["sessions_held"] else CANCELLED
    if ends_on is not None and ends_on < today:
        return NOT_DECLARED
    return COMING


def _sort_by_planned(groups: dict[str, Figures]) -> list[Row]:
    """Most planned first, then alphabetical (accents ignored); « Non renseigné » last."""
    rows = [Row(label, figures) for label, figures in groups.items()]
    return sorted(
        rows, key=lambda row: (row.label == NOT_SET, -row.figures.planned, fold(row.label))
    )


def _in_order(groups: dict[str, Figures], labels: Iterable[str]) -> list[Row]:
    return [Row(label, groups[label]) for label in labels if label in groups]


def edition_bilan(
    *,
    edition: Edition,
    regions: Iterable[str] | None = None,
    today: datetime.date | None = None,
    with_past: bool = True,
) -> Bilan:
    """The bilan of `edition`, restricted to `regions` (a regional relay's) when given."""
    today = today or timezone.localdate()
    regions = None if regions is None else frozenset(regions)
    events = _events(edition=edition, regions=regions)
    ids = events.values("pk")
    rows = list(
        events.order_by().values(
            "pk",
            "title",
            "status",
            "region",
            "department",
            "attendance_mode",
            "ends_on",
            "format__name",
            "organization_id",
            "organization__name",
            "organization__kind",
        )
    )
    attendance = _attendance_by_event(ids)
    registered = _registered_by_event(ids)
    survey = _survey_by_event(ids)
    themes: dict[int, list[str]] = defaultdict(list)
    for event_id, name in Event.themes.through.objects.filter(event__in=ids).values_list(
        "event_id", "theme__name"
    ):
        themes[event_id].append(name)
    with_labs = set(
        Event.labs.through.objects.filter(event__in=ids).values_list("event_id", flat=True)
    )

    totals = Figures()
    groups: dict[str, dict[str, Figures]] = defaultdict(lambda: defaultdict(Figures))
    to_chase: dict[int, OrganizationToChase] = {}
    kinds = dict(OrganizationKind.choices)
    modes = dict(AttendanceMode.choices)
    for row in rows:
        pk = row["pk"]
        declared = attendance.get(pk)
        outcome = _outcome(row["status"], declared, row["ends_on"], today)
        figures = Figures(
            planned=1,
            held=int(outcome == HELD),
            cancelled=int(outcome == CANCELLED),
            not_declared=int(outcome == NOT_DECLARED),
            registered=registered.get(pk, 0),
        )
        if declared:
            figures.participants = declared["participants"] or 0
            figures.agents_weighted = declared["agents_weighted"] or 0
            figures.agents_base = declared["agents_base"] or 0
        for name, value in survey.get(pk, {}).items():
            setattr(figures, name, value or 0)
        totals.add(figures)
        unplaced = ONLINE_NOWHERE if row["attendance_mode"] == AttendanceMode.ONLINE else NOT_SET
        keys = {
            "region": [region_name(row["region"]) or unplaced],
            "department": [
                f"{row['department']} — {department_name(row['department'])}"
                if row["department"]
                else unplaced
            ],
            "format": [row["format__name"] or NOT_SET],
            # An event counts once under each of its themes.
            "theme": themes.get(pk) or [NOT_SET],
            "kind": [kinds.get(row["organization__kind"], NOT_SET)],
            "lab": [LAB_YES if pk in with_labs else LAB_NO],
            "mode": [modes.get(row["attendance_mode"], NOT_SET)],
        }
        for dimension, labels in keys.items():
            for label in labels:
                groups[dimension][label].add(figures)
        if outcome == NOT_DECLARED:
            organization = to_chase.setdefault(
                row["organization_id"],
                OrganizationToChase(row["organization_id"], row["organization__name"], []),
            )
            organization.events.append(EventToChase(pk, row["title"], row["ends_on"]))

    chase = sorted(to_chase.values(), key=lambda o: fold(o.name))
    for organization in chase:
        organization.events.sort(key=lambda e: (e.ends_on or today, fold(e.title)))
    return Bilan(
        edition=edition,
        regions=regions,
        totals=totals,
        by_region=Breakdown("regions", "Par région", "Région", _sort_by_planned(groups["region"])),
        by_department=Breakdown(
            "departements",
            "Par département",
            "Département",
            sorted(
                (Row(label, figures) for label, figures in groups["department"].items()),
                key=lambda row: (row.label == NOT_SET, row.label),
            ),
        ),
        by_format=Breakdown("formats", "Par format", "Format", _sort_by_planned(groups["format"])),
        by_theme=Breakdown("themes", "Par thème", "Thème", _sort_by_planned(groups["theme"])),
        by_organization_kind=Breakdown(
            "types-organisateurs",
            "Par type d'organisateur",
            "Type d'organisateur",
            _in_order(groups["kind"], [*kinds.values(), NOT_SET]),
        ),
        by_lab=Breakdown(
            "laboratoires",
            "Avec ou sans laboratoire",
            "Laboratoire",
            _in_order(groups["lab"], [LAB_YES, LAB_NO]),
        ),
        by_attendance_mode=Breakdown(
            "modalites",
            "En ligne ou en présentiel",
            "Modalité",
            _in_order(groups["mode"], [*modes.values(), NOT_SET]),
        ),
        to_chase=chase,
        past=editions_side_by_side(regions=regions, until=edition.year) if with_past else [],
    )


def _by_edition(queryset, key: str, **aggregates) -> dict[int, dict]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): row for row in rows}


def editions_side_by_side(
    *, regions: Iterable[str] | None = None, until: int | None = None
) -> list[EditionFigures]:
    """Every edition's key figures (up to the year `until`), the latest first, in 5 queries.

    An edition without detail (no event in the platform, or no declared participant) shows
    the DITP's headline figures when it has some; a restricted view (a relay's regions)
    never shows them: they are national."""
    editions = Edition.objects.order_by("-year")
    if until is not None:
        editions = editions.filter(year__lte=until)
    editions = list(editions)
    events = Event.objects.filter(status__in=BILAN_STATUSES)
    if regions is not None:
        events = events.filter(region__in=list(regions))
    sessions_of = Q(session__event__in=events.values("pk"))
    planned = _by_edition(events, "edition_id", n=Count("pk"))
    attendance = _by_edition(
        SessionAttendance.objects.filter(sessions_of),
        "session__event__edition_id",
        held=Count("session__event", filter=Q(took_place=True), distinct=True),
        participants=Sum(_PARTICIPANTS),
    )
    registered = _by_edition(
        Registration.objects.filter(sessions_of, status=RegistrationStatus.CONFIRMED),
        "session__event__edition_id",
        n=Count("pk"),
    )
    survey = _by_edition(
        SurveyAnswer.objects.filter(
            registration__session__event__in=events.values("pk"),
            answered_at__isnull=False,
            overall__isnull=False,
        ),
        "registration__session__event__edition_id",
        answers=Count("pk"),
        overall_sum=Sum("overall"),
    )
    result = []
    for edition in editions:
        declared = attendance.get(edition.pk, {})
        answers = survey.get(edition.pk, {"answers": 0, "overall_sum": 0})
        figures = EditionFigures(
            edition=edition,
            planned=planned.get(edition.pk, {}).get("n") or None,
            held=declared.get("held") or None,
            participants=declared.get("participants") or None,
            registered=registered.get(edition.pk, {}).get("n") or None,
            satisfaction_mean=(
                round(answers["overall_sum"] / answers["answers"], 1)
                if answers["answers"] >= MIN_ANSWERS
                else None
            ),
        )
        if regions is None and figures.participants is None and figures.held is None:
            headline_events = edition.headline_events
            headline_participants = edition.headline_participants
            if headline_events is not None or headline_participants is not None:
                figures = EditionFigures(
                    edition=edition,
                    planned=headline_events if headline_events is not None else figures.planned,
                    held=None,
                    participants=headline_participants,
                    registered=figures.registered,
                    satisfaction_mean=None,
                    headline=True,
                )
        result.append(figures)
    return result


def breakdown_table(breakdown: Breakdown) -> list[tuple[str, int]]:
    """(label, planned) pairs, for charts."""
    return [(row.label, row.figures.planned) for row in breakdown.rows]
