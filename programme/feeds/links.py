"""The addresses of a selection's feeds, for the programme page's « S'abonner » links."""

from dataclasses import dataclass

from django.urls import reverse

from events.models import Edition

from ..structured_data import absolute_url


@dataclass(frozen=True)
class FeedLinks:
    ics: str
    webcal: str
    atom: str
    csv: str
    json: str
    geojson: str
    pdf: str  # the printable programme
    schema: str
    map_data: str  # the GeoJSON feed again, as a same-origin path: the map fetches it


def selection_feed_links(*, edition: Edition, query: str) -> FeedLinks:
    """Absolute URLs of the feeds of the selection `query` (a query string without `page`)."""

    def url(kind: str, *, absolute: bool = True) -> str:
        if edition.is_current:
            path = reverse(f"feeds:{kind}")
        else:
            path = reverse(f"feeds:edition_{kind}", args=[edition.year])
        return (absolute_url(path) if absolute else path) + (f"?{query}" if query else "")

    ics = url("ics")
    return FeedLinks(
        ics=ics,
        webcal="webcal://" + ics.split("://", 1)[1],
        atom=url("atom"),
        csv=url("csv"),
        json=url("json"),
        geojson=url("geojson"),
        pdf=url("pdf"),
        schema=absolute_url(reverse("feeds:schema")),
        map_data=url("geojson", absolute=False),
    )
