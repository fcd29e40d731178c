"""The read-only API under `/api/v1/`: events (with the programme's filters, same names as the
HTML page), sessions, labs, organisations, editions, formats and themes.

Only public data: public events (published or cancelled), and the organisations that have one.
No authentication, no cookie, no session: CORS is open for GET (settings.CORS_URLS_REGEX), every
client is counted per IP address in the shared cache (`IpRateThrottle`), every error is a JSON
object with a French `detail` (`exception_handler`).
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from events.models import Edition, Event, EventSession, Format, Theme
from events.selectors import current_edition
from events.states import PUBLIC_STATUSES
from labs.models import Lab
from organizers.models import Organization

from ..feeds.csv_export import LICENCE
from ..feeds.selection import CARD_LABS
from ..filters import LabFilterSet, ProgrammeFilterSet
from ..selectors import ProgrammeSelection, programme_events
from ..structured_data import absolute_url
from .conventions import FrenchNotFound, InvalidParameters, IpRateThrottle, Pagination
from .schema import EDITION_PARAMETER, ERRORS, filter_parameters
from .serializers import (
    EditionSerializer,
    EventSerializer,
    FormatSerializer,
    LabSerializer,
    OrganizationSerializer,
    SessionWithEventSerializer,
    ThemeSerializer,
    editions_context,
)

PAGE_PARAMETERS = ("page", "page_size")


# Parameters -------------------------------------------------------------------------------------


def _check_parameters(request, accepted: set[str]) -> QueryDict:
    """The query parameters other than pagination; an unknown name is refused, so that a typo
    (`regoin=53`) does not silently return the whole programme."""
    unknown = sorted(set(request.query_params) - accepted - set(PAGE_PARAMETERS))
    if unknown:
        names = ", ".join(sorted(accepted | set(PAGE_PARAMETERS)))
        raise InvalidParameters(
            [f"{name} : paramètre inconnu. Paramètres acceptés : {names}." for name in unknown]
        )
    params = request.query_params.copy()
    for name in PAGE_PARAMETERS:
        params.pop(name, None)
    return params


def _edition(params: QueryDict) -> Edition:
    """The edition of `?edition=<year>`, else the current one."""
    value = params.pop("edition", [None])[-1]
    if value is None:
        edition = current_edition()
        if edition is None:
            raise FrenchNotFound("Aucune édition n’est en cours : précisez ?edition=<année>.")
        return edition
    edition = Edition.objects.filter(year=int(value)).first() if value.isdigit() else None
    if edition is None:
        years = ", ".join(str(year) for year in Edition.objects.values_list("year", flat=True))
        raise InvalidParameters(
            [f"edition : aucune édition pour « {value} » (éditions : {years})."]
        )
    return edition


def _programme_selection(request) -> ProgrammeSelection:
    params = _check_parameters(request, {"edition", *ProgrammeFilterSet.base_filters})
    edition = _edition(params)
    selection = programme_events(edition=edition, params=params)
    messages = selection.filterset.error_messages()
    if messages:
        raise InvalidParameters(messages)
    return selection


def api_events(events: QuerySet[Event]) -> QuerySet[Event]:
    """`events` with everything `EventSerializer` shows, in a fixed number of queries."""
    return (
        events.defer(None)
        .defer("search_text", "search_vector")
        .select_related("organization", "format")
        .prefetch_related("sessions", "resources", "themes", "co_organizers", CARD_LABS)
    )


def public_organizations() -> QuerySet[Organization]:
    """The organisations that organise or co-organise at least one public event."""
    public = Event.objects.filter(status__in=PUBLIC_STATUSES)
    co_organized = Event.co_organizers.through.objects.filter(
        event__status__in=PUBLIC_STATUSES
    ).values("organization_id")
    return Organization.objects.filter(
        Q(Exists(public.filter(organization=OuterRef("pk")))) | Q(pk__in=co_organized)
    ).order_by("name", "pk")


# Views ------------------------------------------------------------------------------------------


class _ApiMixin:
    throttle_classes = [IpRateThrottle]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **self.extra_context()}

    def extra_context(self) -> dict:
        return {}


class _WithEditions:
    def extra_context(self) -> dict:
        return editions_context()


@extend_schema_view(
    get=extend_schema(
        summary="Les événements publics d’une édition",
        description=(
            "Les événements publiés ou annulés d’une édition (l’édition en cours par défaut), "
            "filtrés comme sur la page du programme : mêmes noms de paramètres, mêmes valeurs, "
            "même ordre."
        ),
        parameters=[EDITION_PARAMETER, *filter_parameters(ProgrammeFilterSet)],
        responses={200: EventSerializer(many=True), **ERRORS},
        tags=["Événements"],
    )
)
class EventList(_WithEditions, _ApiMixin, generics.ListAPIView):
    serializer_class = EventSerializer

    def get_queryset(self):
        return api_events(_programme_selection(self.request).events)


@extend_schema_view(
    get=extend_schema(
        summary="Un événement public",
        responses={200: EventSerializer, 404: ERRORS[404], 429: ERRORS[429]},
        tags=["Événements"],
    )
)
class EventDetail(_WithEditions, _ApiMixin, generics.RetrieveAPIView):
    serializer_class = EventSerializer
    lookup_field = "slug"

    def get_queryset(self):
        _check_parameters(self.request, set())
        return api_events(Event.objects.public())


@extend_schema_view(
    get=extend_schema(
        summary="Les séances des événements publics",
        description=(
            "Une ligne par séance, par date puis par heure, des événements que les mêmes filtres "
            "que le programme sélectionnent ; avec `du` et `au`, seulement les séances de la "
            "période."
        ),
        parameters=[EDITION_PARAMETER, *filter_parameters(ProgrammeFilterSet)],
        responses={200: SessionWithEventSerializer(many=True), **ERRORS},
        tags=["Événements"],
    )
)
class SessionList(_ApiMixin, generics.ListAPIView):
    serializer_class = SessionWithEventSerializer

    def get_queryset(self):
        selection = _programme_selection(self.request)
        events = selection.events.order_by().values("pk")
        sessions = EventSession.objects.filter(event__in=events)
        cleaned = selection.form.cleaned_data
        if cleaned.get("du"):
            sessions = sessions.filter(date__gte=cleaned["du"])
        if cleaned.get("au"):
            sessions = sessions.filter(date__lte=cleaned["au"])
        return sessions.select_related("event__organization").order_by("date", "start_time", "pk")


@extend_schema_view(
    get=extend_schema(
        summary="Les laboratoires d’innovation publique",
        parameters=filter_parameters(LabFilterSet),
        responses={200: LabSerializer(many=True), **ERRORS},
        tags=["Laboratoires"],
    )
)
class LabList(_ApiMixin, generics.ListAPIView):
    serializer_class = LabSerializer

    def get_queryset(self):
        params = _check_parameters(self.request, set(LabFilterSet.base_filters))
        filterset = LabFilterSet(params, queryset=_labs())
        messages = filterset.error_messages() if not filterset.is_valid() else []
        if messages:
            raise InvalidParameters(messages)
        return filterset.qs


def _labs() -> QuerySet[Lab]:
    return Lab.objects.select_related("host_organization").order_by("name", "pk")


@extend_schema_view(
    get=extend_schema(
        summary="Un laboratoire d’innovation publique",
        responses={200: LabSerializer, 404: ERRORS[404], 429: ERRORS[429]},
        tags=["Laboratoires"],
    )
)
class LabDetail(_ApiMixin, generics.RetrieveAPIView):
    serializer_class = LabSerializer
    lookup_field = "slug"

    def get_queryset(self):
        _check_parameters(self.request, set())
        return _labs()


@extend_schema_view(
    get=extend_schema(
        summary="Les organisations qui ont au moins un événement public",
        responses={200: OrganizationSerializer(many=True), **ERRORS},
        tags=["Organisations"],
    )
)
class OrganizationList(_ApiMixin, generics.ListAPIView):
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        _check_parameters(self.request, set())
        return public_organizations()


@extend_schema_view(
    get=extend_schema(
        summary="Une organisation",
        responses={200: OrganizationSerializer, 404: ERRORS[404], 429: ERRORS[429]},
        tags=["Organisations"],
    )
)
class OrganizationDetail(_ApiMixin, generics.RetrieveAPIView):
    serializer_class = OrganizationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        _check_parameters(self.request, set())
        return public_organizations()


@extend_schema_view(
    get=extend_schema(
        summary="Les éditions du Mois de l’innovation publique",
        responses={200: EditionSerializer(many=True), **ERRORS},
        tags=["Référentiels"],
    )
)
class EditionList(_ApiMixin, generics.ListAPIView):
    serializer_class = EditionSerializer

    def get_queryset(self):
        _check_parameters(self.request, set())
        return Edition.objects.order_by("-year")


@extend_schema_view(
    get=extend_schema(
        summary="Une édition",
        responses={200: EditionSerializer, 404: ERRORS[404], 429: ERRORS[429]},
        tags=["Référentiels"],
    )
)
class EditionDetail(_ApiMixin, generics.RetrieveAPIView):
    serializer_class = EditionSerializer
    lookup_field = "year"

    def get_queryset(self):
        _check_parameters(self.request, set())
        return Edition.objects.all()


@extend_schema_view(
    get=extend_schema(
        summary="Les formats d’événement",
        responses={200: FormatSerializer(many=True), **ERRORS},
        tags=["Référentiels"],
    )
)
class FormatList(_ApiMixin, generics.ListAPIView):
    serializer_class = FormatSerializer

    def get_queryset(self):
        _check_parameters(self.request, set())
        return Format.objects.order_by("position", "name")


@extend_schema_view(
    get=extend_schema(
        summary="Les thématiques",
        responses={200: ThemeSerializer(many=True), **ERRORS},
        tags=["Référentiels"],
    )
)
class ThemeList(_ApiMixin, generics.ListAPIView):
    serializer_class = ThemeSerializer

    def get_queryset(self):
        _check_parameters(self.request, set())
        return Theme.objects.order_by("position", "name")


# The French presentation page -------------------------------------------------------------------


@require_safe
def api_page(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    example = "?region=53&format=atelier"
    return render(
        request,
        "programme/api.html",
        {
            "title": "API et données ouvertes",
            "edition": edition,
            "base_url": absolute_url("/api/v1/"),
            "openapi_url": absolute_url(reverse("api:openapi")),
            "events_url": absolute_url(reverse("api:events")),
            "example_url": absolute_url(reverse("api:events") + example),
            "programme_example_url": absolute_url(reverse("events:programme") + example),
            "json_url": absolute_url(reverse("feeds:json")),
            "csv_url": absolute_url(reverse("feeds:csv")),
            "schema_url": absolute_url(reverse("feeds:schema")),
            "filters": [
                (name, filter_.label) for name, filter_ in ProgrammeFilterSet.base_filters.items()
            ],
            "rate_limit": settings.API_RATE_LIMIT,
            "page_size": Pagination.page_size,
            "max_page_size": Pagination.max_page_size,
            "licence": LICENCE,
            "breadcrumb_data": {"current": "API"},
        },
    )
