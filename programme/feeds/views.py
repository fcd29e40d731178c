"""The programme's feeds and exports: `.ics`, `.csv` (and its Table Schema), `.json` (the API's
representation of events), `.geojson` and the Atom feed of newly published events, for the
current edition (`/programme.<format>`) and a past one (`/editions/<year>/programme.<format>`).

Every feed takes the programme page's GET parameters (see `selection.py`), answers 304 to a
conditional request whose copy is current, and streams: the whole programme is never built as
one string in memory.
"""

import json
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.views.decorators.http import require_safe

from events.models import Event

from ..api.serializers import EventSerializer
from ..ical import CALENDAR_END, calendar_head, event_lines, serialize
from ..structured_data import absolute_url
from .csv_export import LICENCE, csv_stream, table_schema
from .geojson import geojson_stream
from .selection import (
    CARD_LABS,
    FeedSelection,
    InvalidSelection,
    feed_selection,
    invalid_selection_response,
    not_modified,
    set_validators,
)

ICS_REFRESH = "PT6H"  # calendar clients refresh a subscription every six hours
ATOM_ENTRIES = 50  # the latest publications; older ones are in the other formats


def _programme_url(feed: FeedSelection) -> str:
    path = (
        reverse("events:programme")
        if feed.edition.is_current
        else reverse("events:edition", args=[feed.edition.year])
    )
    query = feed.query
    return absolute_url(path) + (f"?{query}" if query else "")


def selection_title(feed: FeedSelection) -> str:
    """« Mois de l’innovation publique 2022 », then the active criteria, if any."""
    title = f"Mois de l’innovation publique {feed.edition.year}"
    labels = [tag.label for tag in feed.selection.filterset.active_filters()]
    return f"{title} — {', '.join(labels)}" if labels else title


def _feed_view(kind: str, render: Callable[[HttpRequest, FeedSelection], HttpResponse]):
    @require_safe
    def view(request: HttpRequest, year: int | None = None) -> HttpResponse:
        try:
            feed = feed_selection(request, year=year)
        except InvalidSelection as error:
            return invalid_selection_response(error)
        cached = not_modified(request, feed, kind)
        if cached is not None:
            return set_validators(cached, feed, kind)
        return set_validators(render(request, feed), feed, kind)

    view.__name__ = f"programme_{kind}"
    return view


def _filename(feed: FeedSelection, extension: str) -> str:
    return f"programme-{feed.edition.year}.{extension}"


# iCalendar ------------------------------------------------------------------------------------


def _ics_chunks(feed: FeedSelection) -> Iterator[str]:
    yield serialize(calendar_head(selection_title(feed), refresh=ICS_REFRESH))
    for event in feed.events("sessions"):
        yield serialize(event_lines(event, absolute_url(event.get_absolute_url())))
    yield serialize([CALENDAR_END])


def _render_ics(request: HttpRequest, feed: FeedSelection) -> HttpResponse:
    response = StreamingHttpResponse(_ics_chunks(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(feed, "ics")}"'
    return response


# CSV and its schema ---------------------------------------------------------------------------


def _render_csv(request: HttpRequest, feed: FeedSelection) -> HttpResponse:
    events = feed.events("sessions", "resources", "themes", "co_organizers", CARD_LABS)
    response = StreamingHttpResponse(csv_stream(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(feed, "csv")}"'
    response["Link"] = f'<{absolute_url(reverse("feeds:schema"))}>; rel="describedby"'
    return response


@require_safe
def csv_schema(request: HttpRequest) -> HttpResponse:
    schema = table_schema(schema_url=absolute_url(reverse("feeds:schema")))
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    return response


# JSON and GeoJSON -------------------------------------------------------------------------------


def _json_chunks(feed: FeedSelection, items: Iterable[dict], key: str, head: dict) -> Iterator[str]:
    """`{...head, "<key>": [item, item, …]}`, one item per chunk."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield f'{opening}, "{key}": ['
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]}\n"


def _render_json(request: HttpRequest, feed: FeedSelection) -> HttpResponse:
    """The API's representation of each event (`/api/v1/events/`), the whole selection."""
    events = feed.events("sessions", "resources", "themes", "co_organizers", CARD_LABS)
    context = {"editions": {feed.edition.pk: feed.edition}}
    head = {
        "name": selection_title(feed),
        "edition": feed.edition.year,
        "license": LICENCE["path"],
        "api": absolute_url(reverse("api:index")),
        "count": feed.count,
    }
    items = (EventSerializer(event, context=context).data for event in events)
    return StreamingHttpResponse(
        _json_chunks(feed, items, "events", head), content_type="application/json"
    )


def _render_geojson(request: HttpRequest, feed: FeedSelection) -> HttpResponse:
    events = feed.events("sessions")
    head = {
        "type": "FeatureCollection",
        "name": selection_title(feed),
        "license": LICENCE["path"],
    }
    return StreamingHttpResponse(
        _json_chunks(feed, geojson_stream(events), "features", head),
        content_type="application/geo+json",
    )


# Atom -------------------------------------------------------------------------------------------


def _render_atom(request: HttpRequest, feed: FeedSelection) -> HttpResponse:
    url = _programme_url(feed)
    atom = feedgenerator.Atom1Feed(
        title=selection_title(feed),
        link=url,
        description="Les derniers événements publiés de cette sélection.",
        feed_url=absolute_url(request.get_full_path()),
        feed_guid=url,
        language="fr",
        author_name="Direction interministérielle de la transformation publique",
        feed_copyright="Licence Ouverte 2.0",
    )
    latest: Iterable[Event] = (
        feed.selection.events.filter(published_at__isnull=False)
        .defer(None)
        .defer("search_text", "search_vector")
        .select_related("organization", "format")
        .prefetch_related("themes")
        .order_by("-published_at", "-pk")[:ATOM_ENTRIES]
    )
    for event in latest:
        link = absolute_url(event.get_absolute_url())
        prefix = event.public_status.ical_prefix  # « Annulé », « Reporté »…
        atom.add_item(
            title=f"{prefix}\u00a0: {event.title}" if prefix else event.title,
            link=link,
            description=event.summary or event.description[:300],
            unique_id=link,
            unique_id_is_permalink=True,
            pubdate=event.published_at,
            updateddate=event.updated_at,
            author_name=event.organization.name,
            categories=[c.name for c in [event.format, *event.themes.all()] if c],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response


programme_ics = _feed_view("ics", _render_ics)
programme_csv = _feed_view("csv", _render_csv)
programme_json = _feed_view("json", _render_json)
programme_geojson = _feed_view("geojson", _render_geojson)
programme_atom = _feed_view("atom", _render_atom)
