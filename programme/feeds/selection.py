"""What every feed shares: the selection from the programme's GET parameters, the refusal of
parameters it cannot understand, the conditional-request validators and the event stream.

A feed is a twin of a programme URL: `/programme.ics?region=53` lists exactly the events of
`/programme/?region=53` (the same `programme_events` filtering), all of them rather than one
page. Where the HTML page ignores an invalid criterion and says so, a feed answers 400 with the
French messages: a calendar or a script must not silently receive another selection.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag, urlencode

from events.enums import RegistrationMode
from events.models import Edition, Event, EventSession
from events.selectors import current_edition
from labs.models import Lab
from moisinno.pagecache import public_content_version

from ..selectors import ProgrammeSelection, programme_events

# Events fetched per query while streaming: with the prefetches, 4 queries per chunk whatever
# its size, and never more than one chunk of model instances in memory.
CHUNK_SIZE = 1000
# Bumped when the output of a feed changes shape, so that validators of old copies fail.
FEED_VERSION = "3"  # 3: the seats of on-platform registration per session
# Parameters of the programme page that do not select events.
IGNORED_PARAMETERS = ("page",)


class InvalidSelection(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class FeedSelection:
    edition: Edition
    selection: ProgrammeSelection
    query: str  # the normalised query string (sorted parameters, without `page`)
    count: int
    selection_modified: object  # latest `updated_at` of the selected events, or None
    edition_modified: object  # latest `updated_at` of any event of the edition, or None
    # Renaming a lab, an organisation or a format changes the feed too: read once per request.
    content_version: int = field(default_factory=public_content_version)
    # The seats of on-platform registration change without `updated_at` (a registration
    # touches only the session's counts): their fingerprint.
    seats: tuple = ()

    @property
    def last_modified(self):
        """Moves forward whenever an event of the edition changes, leaves or joins the
        selection: an event that leaves it (unpublished, moved) is saved, too."""
        return self.edition_modified

    def etag(self, kind: str) -> str:
        fingerprint = "|".join(
            [
                FEED_VERSION,
                kind,
                str(self.edition.pk),
                self.query,
                str(self.count),
                str(self.selection_modified),
                str(self.edition_modified),
                str(self.content_version),
                str(self.seats),
            ]
        )
        return quote_etag(hashlib.sha256(fingerprint.encode()).hexdigest()[:32])

    def events(self, *prefetch) -> Iterator[Event]:
        """The selected events in the programme's order, streamed by chunks, with their
        long texts and the relations named in `prefetch`."""
        events: QuerySet[Event] = (
            self.selection.events.defer(None)
            .defer("search_text", "search_vector")
            .select_related("organization", "format")
            .prefetch_related(*prefetch)
        )
        return events.iterator(chunk_size=CHUNK_SIZE)


def normalised_query(params: QueryDict) -> str:
    data = params.copy()
    for name in IGNORED_PARAMETERS:
        data.pop(name, None)
    # Percent-encoded: the query goes into links and XML (a raw control character is no URL).
    return urlencode(sorted((key, value) for key in data for value in data.getlist(key)))


def feed_edition(year: int | None) -> Edition:
    if year is None:
        edition = current_edition()
        if edition is None:
            raise Http404("Aucune édition n’est en cours.")
        return edition
    return get_object_or_404(Edition, year=year)


def feed_selection(request: HttpRequest, *, year: int | None = None) -> FeedSelection:
    """The selection of the request's parameters, or InvalidSelection with French messages."""
    return edition_feed_selection(edition=feed_edition(year), params=request.GET)


def edition_feed_selection(*, edition: Edition, params: QueryDict) -> FeedSelection:
    """The selection of `params` in `edition` (a task rebuilds a request's selection so)."""
    data = params.copy()
    for name in IGNORED_PARAMETERS:
        data.pop(name, None)
    selection = programme_events(edition=edition, params=data)
    messages = selection.filterset.error_messages()
    if messages:
        raise InvalidSelection(messages)
    figures = selection.events.order_by().aggregate(n=Count("pk"), modified=Max("updated_at"))
    edition_modified = Event.objects.filter(edition=edition).aggregate(m=Max("updated_at"))["m"]
    return FeedSelection(
        edition=edition,
        selection=selection,
        query=normalised_query(data),
        count=figures["n"],
        selection_modified=figures["modified"],
        edition_modified=edition_modified,
        seats=seats_fingerprint(edition),
    )


def seats_fingerprint(edition: Edition) -> tuple:
    """What moves with every registration, cancellation or promotion in the edition's
    sessions taking registrations on the platform (`event_platform_idx`): the seats taken,
    the people waiting and the last rank given (which a cancellation followed by a
    registration still moves). One small aggregate."""
    sessions = EventSession.objects.filter(
        event__edition=edition, event__registration_mode=RegistrationMode.PLATFORM
    )
    figures = sessions.aggregate(
        taken=Sum("seats_taken"), waiting=Sum("waiting_count"), ranks=Sum("registration_rank")
    )
    return (figures["taken"], figures["waiting"], figures["ranks"])


def invalid_selection_response(error: InvalidSelection) -> HttpResponse:
    lines = [
        "Cette sélection ne peut pas être exportée : un ou plusieurs critères ne sont pas valides.",
        *(f"- {message}" for message in error.messages),
        "",
        "Corrigez ou retirez ces paramètres ; les noms et les valeurs acceptés sont ceux de "
        "la page du programme.",
    ]
    text = "\n".join(lines).replace(" :", "\u00a0:").replace(" ;", "\u202f;")
    return HttpResponse(text + "\n", status=400, content_type="text/plain; charset=utf-8")


def not_modified(request: HttpRequest, feed: FeedSelection, kind: str) -> HttpResponse | None:
    """The 304 (or 412) answer to a conditional request whose copy is still current."""
    last_modified = feed.last_modified.timestamp() if feed.last_modified else None
    return get_conditional_response(
        request, etag=feed.etag(kind), last_modified=int(last_modified) if last_modified else None
    )


def set_validators(response: HttpResponse, feed: FeedSelection, kind: str) -> HttpResponse:
    response["ETag"] = feed.etag(kind)
    if feed.last_modified:
        response["Last-Modified"] = http_date(feed.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    return response


CARD_LABS = Prefetch("labs", queryset=Lab.objects.only("name", "slug").order_by("name"))
