"""Filters of the public programme (GET parameters with French names, shareable URLs).

`ProgrammeFilterSet` is applied by `selectors.programme_events`, so the HTML programme, the
calendar and later the feeds and exports filter the same way. An invalid parameter never fails
the request: the form reports it (in French) and that filter is ignored.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from dsfr.forms import DsfrBaseForm

from events.enums import (
    ACCESSIBILITY_FEATURES,
    AttendanceMode,
    Audience,
    EventStatus,
    RegistrationMode,
    ScheduleStatus,
)
from events.models import Edition, Event, EventResource, EventSession, Format, Theme
from events.search import MAX_QUERY_LENGTH, apply_search, search_mode
from events.states import PUBLIC_STATUS_CHOICES, PUBLIC_STATUSES
from labs.enums import LabKind
from labs.models import Lab
from moisinno.geography import (
    DEPARTMENT_CHOICES,
    DEPARTMENTS,
    REGION_CHOICES,
    departments_of_region,
    region_name,
)
from moisinno.pagecache import version_cached
from moisinno.text import fold
from organizers.enums import OrganizationKind
from organizers.models import Organization

from .widgets import DsfrCheckboxSelectMultiple, DsfrSelect

FORM_ID = "programme-filters"
CHECKBOX_GROUP = "programme/includes/fields/checkbox_group.html"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class Sort:
    DATE = "date"
    RECENT = "recent"
    RELEVANCE = "pertinence"
    CHOICES = [
        (DATE, "Par date"),
        (RECENT, "Les plus récemment publiés"),
        (RELEVANCE, "Par pertinence (avec une recherche)"),
    ]


class ProgrammeFilterForm(forms.Form):
    """Rendered field by field by `programme.widgets.field_group` (DSFR markup), not by
    django-dsfr's templates."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and end < start:
            self.add_error("au", "La date de fin doit être postérieure à la date de début.")
        return cleaned


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CheckboxFilter(django_filters.Filter):
    """A single checkbox: filters when checked, does nothing otherwise."""

    field_class = forms.BooleanField


def _checkbox() -> forms.CheckboxInput:
    # value="1": a checked box reads `avec_lab=1` in the URL rather than `avec_lab=on`.
    return forms.CheckboxInput(attrs={"value": "1"})


class Named(NamedTuple):
    """An organisation or a lab of the menus: what a filter needs, without a model instance."""

    pk: int
    slug: str
    name: str


MAX_NAMED_MATCHES = 50


class NameOrSlugField(forms.CharField):
    """A text field naming organisations or labs of the programme: a slug (the links of the
    lab and organisation pages) or some words of their names, accents and case ignored.

    Cleans to the list of matching `Named`; `options` (set by the filter set) is the list of
    candidates, kept per public-content version, so matching costs no query. A text input
    instead of a menu of every organisation: the menu was half of the programme page."""

    def __init__(self, *, none_found: str = "Aucun nom du programme", **kwargs):
        self.none_found = none_found
        self.options: Callable[[], list[Named]] = list
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value) -> list[Named]:
        text = super().clean(value)
        if not text:
            return []
        options = self.options()
        by_slug = [option for option in options if option.slug == text]
        if by_slug:
            return by_slug
        words = fold(text).split()
        matches = [option for option in options if all(word in fold(option.name) for word in words)]
        if not matches:
            raise forms.ValidationError(
                f"{self.none_found} ne correspond à «\u00a0{text}\u00a0». "
                "Vérifiez l’orthographe ou essayez une partie du nom.",
                code="no_match",
            )
        if len(matches) > MAX_NAMED_MATCHES:
            raise forms.ValidationError(
                f"«\u00a0{text}\u00a0» correspond à {len(matches)} noms\u00a0: "
                "précisez votre saisie.",
                code="too_many",
            )
        return matches


class NamedFilter(django_filters.CharFilter):
    field_class = NameOrSlugField


class ProgrammeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        help_text="Titre, description, organisation, laboratoire, ville…",
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    du = django_filters.DateFilter(
        label="Du",
        help_text="Format\u00a0: jj/mm/aaaa",
        method="filter_from",
        widget=_date_widget(),
        input_formats=DATE_INPUT_FORMATS,
    )
    au = django_filters.DateFilter(
        label="Au",
        help_text="Format\u00a0: jj/mm/aaaa",
        method="filter_until",
        widget=_date_widget(),
        input_formats=DATE_INPUT_FORMATS,
    )
    region = django_filters.ChoiceFilter(
        label="Région",
        choices=lambda: REGION_CHOICES,  # a callable: not deep-copied at every request
        empty_label="Toutes les régions",
        method="filter_place",
        widget=DsfrSelect,
    )
    departement = django_filters.ChoiceFilter(
        label="Département",
        choices=lambda: DEPARTMENT_CHOICES,  # a callable: not deep-copied at every request
        empty_label="Tous les départements",
        field_name="department",
        method="filter_place",
        widget=DsfrSelect,
    )
    mode = django_filters.MultipleChoiceFilter(
        label="Modalité",
        choices=AttendanceMode.choices,
        field_name="attendance_mode",
        method="filter_in",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    format = django_filters.ModelMultipleChoiceFilter(
        label="Format",
        queryset=Format.objects.all(),
        to_field_name="slug",
        method="filter_in",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label="Thématiques",
        help_text="Les événements qui traitent d’au moins une des thématiques cochées.",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_themes",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    organisateur = django_filters.MultipleChoiceFilter(
        label="Type d’organisateur",
        choices=OrganizationKind.choices,
        field_name="organization__kind",
        method="filter_in",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    organisation = NamedFilter(
        label="Organisation",
        help_text="Son nom ou une partie de son nom, par exemple «\u00a0Lyon\u00a0».",
        method="filter_organization",
        max_length=200,
        none_found="Aucune organisation du programme",
    )
    lab = NamedFilter(
        label="Laboratoire d’innovation",
        help_text="Son nom ou une partie de son nom.",
        method="filter_lab",
        max_length=200,
        none_found="Aucun laboratoire du programme",
    )
    avec_lab = CheckboxFilter(
        label="Organisés avec un laboratoire d’innovation",
        method="filter_with_lab",
        widget=_checkbox(),
    )
    public = django_filters.MultipleChoiceFilter(
        label="Public visé",
        choices=Audience.choices,
        field_name="audience",
        method="filter_in",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    accessibilite = django_filters.MultipleChoiceFilter(
        label="Accessibilité",
        help_text="Les événements qui offrent toutes les aides cochées.",
        choices=list(ACCESSIBILITY_FEATURES.items()),
        method="filter_accessibility",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    etat = django_filters.MultipleChoiceFilter(
        label="État de l’événement",
        help_text="Programmé comme annoncé, reporté, complet, annulé…",
        choices=PUBLIC_STATUS_CHOICES,
        method="filter_state",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    inscription_ouverte = CheckboxFilter(
        label="Inscriptions ouvertes",
        help_text="Sans les événements complets, reportés ou annulés.",
        method="filter_registration_open",
        widget=_checkbox(),
    )
    places_disponibles = CheckboxFilter(
        label="Places disponibles",
        help_text="Les événements où l’on s’inscrit sur ce site et qui ont encore des places.",
        method="filter_seats_left",
        widget=_checkbox(),
    )
    hors_dates = CheckboxFilter(
        label="Uniquement les événements hors des dates officielles",
        method="filter_outside_dates",
        widget=_checkbox(),
    )
    avec_ressources = CheckboxFilter(
        label="Avec des ressources (replay, supports, compte rendu)",
        method="filter_with_resources",
        widget=_checkbox(),
    )
    tri = django_filters.ChoiceFilter(
        label="Trier",
        choices=Sort.CHOICES,
        empty_label=None,
        method="filter_nothing",  # ordering is applied last, see `filter_queryset`
        widget=forms.Select(attrs={"form": FORM_ID}),
    )

    class Meta:
        model = Event
        fields: list[str] = []
        form = ProgrammeFilterForm

    def __init__(self, data=None, queryset=None, *, edition: Edition, **kwargs):
        self.edition = edition
        super().__init__(data, queryset, **kwargs)
        for name in ("organisation", "lab"):
            self.form.fields[name].options = lambda name=name: self.menu_options()[name]

    # Filters ---------------------------------------------------------------------------

    def filter_in(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if _is_empty(value):
            return queryset
        if isinstance(value, (list, tuple, QuerySet)):
            return queryset.filter(**{f"{name}__in": value})
        return queryset.filter(**{name: value})

    def filter_place(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Events held in the region or department: their own place (that of their first
        session in person) or any of their sessions' (a workshop in Rennes, another in Brest)."""
        if _is_empty(value):
            return queryset
        return queryset.filter(place_q(name, value))

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Decided once: the facets filter the same events again, without repeating the probe.
        if getattr(self, "_search_plan", None) is None:
            self._search_plan = search_mode(self.queryset, value)
        return apply_search(queryset, value, plan=self._search_plan)

    def filter_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        # Events with at least one session in the period.
        end = self.form.cleaned_data.get("au")
        if not end:
            return queryset.filter(ends_on__gte=value)  # the last session is in the period
        sessions = EventSession.objects.filter(event=OuterRef("pk"), date__range=(value, end))
        return queryset.filter(Exists(sessions), ends_on__gte=value, starts_on__lte=end)

    def filter_until(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        if self.form.cleaned_data.get("du"):
            return queryset  # handled with the start of the period by `filter_from`
        return queryset.filter(starts_on__lte=value)

    def filter_themes(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if _is_empty(value):
            return queryset
        through = Event.themes.through
        return queryset.filter(
            Exists(through.objects.filter(event=OuterRef("pk"), theme__in=value))
        )

    def filter_organization(self, queryset: QuerySet, name: str, value: list[Named]) -> QuerySet:
        if not value:
            return queryset
        ids = [named.pk for named in value]
        through = Event.co_organizers.through
        return queryset.filter(
            Q(organization_id__in=ids)
            | Exists(through.objects.filter(event=OuterRef("pk"), organization_id__in=ids))
        )

    def filter_lab(self, queryset: QuerySet, name: str, value: list[Named]) -> QuerySet:
        if not value:
            return queryset
        ids = [named.pk for named in value]
        through = Event.labs.through
        return queryset.filter(Exists(through.objects.filter(event=OuterRef("pk"), lab_id__in=ids)))

    def filter_with_lab(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Exists(Event.labs.through.objects.filter(event=OuterRef("pk"))))

    def filter_with_resources(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Exists(EventResource.objects.filter(event=OuterRef("pk"))))

    def filter_accessibility(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(**dict.fromkeys(value, True))

    def filter_registration_open(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(status=EventStatus.PUBLISHED).exclude(
            schedule_status__in=[ScheduleStatus.FULL, ScheduleStatus.POSTPONED]
        )

    def filter_seats_left(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(seats_left_q())

    def filter_state(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """« Annulé » is the workflow's status; the others are a published event's state."""
        if not value:
            return queryset
        condition = Q(status=EventStatus.PUBLISHED, schedule_status__in=value)
        if EventStatus.CANCELLED in value:
            condition |= Q(status=EventStatus.CANCELLED)
        return queryset.filter(condition)

    def filter_outside_dates(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(outside_edition_q(self.edition))

    # Application -------------------------------------------------------------------------

    def filter_queryset(self, queryset: QuerySet, *, exclude: frozenset[str] = frozenset()):
        for name, value in self.form.cleaned_data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_qs"):
            self.errors  # validate the form first, as django-filter does  # noqa: B018
            self._qs = self.order(self.filter_queryset(self.queryset.all()))
        return self._qs

    def queryset_without(self, *names: str) -> QuerySet:
        """The filtered events, ignoring the filters `names` (for facet counts), unordered."""
        self.errors  # noqa: B018
        return self.filter_queryset(self.queryset.all(), exclude=frozenset(names)).order_by()

    @property
    def search(self) -> str:
        self.errors  # noqa: B018
        return self.form.cleaned_data.get("q") or ""

    @property
    def sort(self) -> str:
        """The effective order: relevance by default with a search, else dates."""
        self.errors  # noqa: B018
        requested = self.form.cleaned_data.get("tri")
        if requested in {Sort.DATE, Sort.RECENT}:
            return requested
        return Sort.RELEVANCE if self.search else Sort.DATE

    def sort_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) of the sort menu. The default ("") is relevance with a
        search and dates without, so typing a search after sorting by date ranks by relevance."""
        requested = self.form.cleaned_data.get("tri") or ""
        if requested == Sort.RELEVANCE:
            requested = ""
        choices = [("", "Par pertinence" if self.search else "Par date")]
        if self.search:
            choices.append((Sort.DATE, "Par date"))
        choices.append((Sort.RECENT, "Les plus récemment publiés"))
        return [(value, label, value == requested) for value, label in choices]

    def prepare_form(self, facets=None) -> None:
        """Ready the menus for display: model choices as plain lists in the widgets (one plain
        query each: Django iterates them with a server-side cursor on PostgreSQL) and, with `facets`
        (`selectors.ProgrammeFacets`), the number of matching events next to each region,
        format and theme."""

        def count(counts: dict | None, key) -> str:
            return f" ({counts.get(key, 0)})" if counts is not None else ""

        regions = facets.regions if facets else None
        # django-filter's choice field adds the empty choice ("Toutes les régions") itself.
        self.form.fields["region"].choices = [
            (code, f"{name}{count(regions, code)}") for code, name in REGION_CHOICES
        ]
        options = self.menu_options()
        for name, counts in (
            ("format", facets.formats if facets else None),
            ("theme", facets.themes if facets else None),
        ):
            field = self.form.fields[name]  # validation still goes through the queryset
            field.widget.choices = [
                (slug, f"{label}{count(counts, pk)}") for pk, slug, label in options[name]
            ]

    def menu_options(self) -> dict[str, list[tuple]]:
        """The formats and themes of the menus, and the organisations and labs with public
        events in this edition (what `organisation` and `lab` match): they change only with
        the public content, so they are kept until it changes (`version_cached`)."""
        edition = self.edition

        def compute() -> dict[str, list[tuple]]:
            # IN subqueries: SQLite runs them once, where it would run EXISTS once per row.
            public = {"edition": edition, "status__in": PUBLIC_STATUSES}
            in_public = {f"event__{key}": value for key, value in public.items()}
            co_organizers = Event.co_organizers.through.objects.filter(**in_public)
            organizations = Organization.objects.filter(
                Q(pk__in=Event.objects.filter(**public).values("organization_id"))
                | Q(pk__in=co_organizers.values("organization_id"))
            )
            labs = Lab.objects.filter(
                pk__in=Event.labs.through.objects.filter(**in_public).values("lab_id")
            )
            return {
                "format": list(self.filters["format"].queryset.values_list("pk", "slug", "name")),
                "theme": list(self.filters["theme"].queryset.values_list("pk", "slug", "name")),
                "organisation": [
                    Named(*row) for row in organizations.values_list("pk", "slug", "name")
                ],
                "lab": [Named(*row) for row in labs.values_list("pk", "slug", "name")],
            }

        return version_cached(f"programme-menus:{edition.pk}", compute)

    def order(self, queryset: QuerySet) -> QuerySet:
        sort = self.sort
        if sort == Sort.RELEVANCE:
            return queryset.order_by("-search_rank", "starts_on", "pk")
        if sort == Sort.RECENT:
            return queryset.order_by(F("published_at").desc(nulls_last=True), "-pk")
        return queryset.order_by("starts_on", "title", "pk")

    # Presentation ------------------------------------------------------------------------

    def active_filters(self) -> list["ActiveFilter"]:
        """One removable tag per valid criterion, with the URL of the programme without it."""
        self.errors  # noqa: B018
        cleaned = self.form.cleaned_data
        tags: list[ActiveFilter] = []

        def add(label: str, name: str, values: list[str] | None = None, also: tuple = ()):
            tags.append(ActiveFilter(label, _query_without(self.data, name, values, also)))

        if cleaned.get("q"):
            add(f"Recherche\u00a0: «\u00a0{cleaned['q']}\u00a0»", "q")
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and start == end:
            add(f"Le {_day(start)}", "du", also=("au",))
        else:
            if start:
                add(f"À partir du {_day(start)}", "du")
            if end:
                add(f"Jusqu’au {_day(end)}", "au")
        if cleaned.get("region"):
            add(region_name(cleaned["region"]), "region")
        if cleaned.get("departement"):
            add(DEPARTMENTS[cleaned["departement"]].label, "departement")
        for name in ("mode", "organisateur", "public", "accessibilite", "etat"):
            labels = dict(self.form.fields[name].choices)
            for value in cleaned.get(name) or []:
                add(str(labels[value]), name, [value])
        for name in ("format", "theme"):
            for obj in cleaned.get(name) or []:
                add(obj.name, name, [obj.slug])
        for name in ("organisation", "lab"):
            matches = cleaned.get(name) or []
            if len(matches) == 1:
                add(matches[0].name, name)
            elif matches:
                add(
                    f"{self.form.fields[name].label}\u00a0: «\u00a0{self.data.get(name)}\u00a0»",
                    name,
                )
        for name in (
            "avec_lab",
            "inscription_ouverte",
            "places_disponibles",
            "hors_dates",
            "avec_ressources",
        ):
            if cleaned.get(name):
                add(str(self.form.fields[name].label), name)
        return tags

    def error_messages(self) -> list[str]:
        """The invalid criteria, in French: "Région : Sélectionnez un choix valide…"."""
        messages = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            for error in errors:
                messages.append(f"{label}\u00a0: {error}" if label else str(error))
        return messages

    def query_without_errors(self) -> str:
        """The query string without the parameters that could not be understood."""
        data = self.data.copy()
        for name in self.form.errors:
            data.pop(name, None)
        data.pop("page", None)
        return data.urlencode()


def _is_empty(value) -> bool:
    """No value: model multiple choice fields clean an empty selection to `queryset.none()`."""
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return value in (None, "", [], ())


def session_departments(name: str, value: str) -> list[str]:
    """The departments a `region` or `department` (the event fields) code stands for."""
    if name == "region":
        return [department.code for department in departments_of_region(value)]
    return [value]


def place_q(name: str, value: str) -> Q:
    """Events whose own `name` (`region` or `department`) is `value`, or with a session held
    there: one subquery, the union of two index scans (`event_department_idx` or
    `event_region_idx`, and `session_department_idx`)."""
    held_there = (
        Event.objects.filter(**{name: value})
        .values("pk")
        .union(
            EventSession.objects.filter(department__in=session_departments(name, value)).values(
                "event_id"
            )
        )
    )
    return Q(pk__in=held_there)


def seats_left_q(now: datetime.datetime | None = None) -> Q:
    """Published events that take registrations on the platform with a session at least that
    still has a seat (or is unlimited) and is not closed: its closing moment, else its start,
    still to come (`EventSession.registration_deadline`). Read from the sessions' counts
    (`seats_taken`, kept by `registrations.services`): the platform's few events from
    `event_platform_idx`, their sessions through their foreign key."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    # A session without a start time begins at midnight: it is closed on its day.
    not_started = Q(date__gt=today) | Q(date=today, start_time__gt=now.time())
    open_sessions = EventSession.objects.filter(
        not_started,
        Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")),
        event=OuterRef("pk"),
    )
    return Q(
        Exists(open_sessions),
        registration_mode=RegistrationMode.PLATFORM,
        status=EventStatus.PUBLISHED,
    )


def outside_edition_q(edition: Edition) -> Q:
    """Events held (at least partly) outside the edition's official dates: derogations."""
    return Q(starts_on__lt=edition.start_date) | Q(ends_on__gt=edition.end_date)


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    label: str
    query: str  # the query string of the programme without this criterion


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _query_without(data: QueryDict, name: str, values: list[str] | None, also: tuple) -> str:
    data = data.copy()
    data.pop("page", None)
    for other in also:
        data.pop(other, None)
    if values is None:
        data.pop(name, None)
    else:
        data.setlist(name, [v for v in data.getlist(name) if v not in values])
    return data.urlencode()


# Labs atlas (GET parameters: `type`, `region`) ----------------------------------------------


class LabFilterForm(DsfrBaseForm):
    pass


class LabFilterSet(django_filters.FilterSet):
    type = django_filters.MultipleChoiceFilter(
        label="Type de laboratoire",
        choices=LabKind.choices,
        method="filter_kinds",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    region = django_filters.ChoiceFilter(
        label="Région", choices=REGION_CHOICES, empty_label="Toutes les régions", widget=DsfrSelect
    )

    class Meta:
        model = Lab
        fields: list[str] = []
        form = LabFilterForm

    def filter_kinds(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(kind__in=value) if value else queryset

    def error_messages(self) -> list[str]:
        return [
            f"{self.form.fields[name].label}\u00a0: {error}"
            for name, errors in self.form.errors.items()
            for error in errors
        ]
