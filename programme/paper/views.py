"""The printed programme of a selection (`/programme.pdf`), the posters and visuals of an
event (`/evenements/<slug>/affiche-a4.pdf`…)."""

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from events.models import Edition

from ..cache_tags import shows_event
from ..feeds.selection import (
    FeedSelection,
    InvalidSelection,
    feed_selection,
    invalid_selection_response,
)
from ..selectors import public_event
from ..structured_data import absolute_url
from .event_paper import POSTER_SIZES, VISUAL_SIZES, badge_png, poster_pdf, social_visual
from .programme_pdf import programme_page_url, programme_title
from .qr import qr_png
from .store import StoredProgramme, programme_copy

#: The visitor's browser asks again after this many seconds (« Réessayer » on the page).
RETRY_AFTER = 20


def _chunks(name: str, size: int = 256 * 1024) -> Iterator[bytes]:
    """The stored file, opened only once the response is sent."""
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(size):
            yield chunk


def _serve(stored: StoredProgramme, feed: FeedSelection, *, current: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_chunks(stored.name), content_type="application/pdf")
    response["Content-Length"] = str(default_storage.size(stored.name))
    response["Content-Disposition"] = f'inline; filename="programme-{feed.edition.year}.pdf"'
    response["ETag"] = quote_etag(stored.filename)
    # An earlier copy is for this visitor only: the page cache keeps the current one.
    response["Cache-Control"] = "public, max-age=300" if current else "no-store"
    return response


@require_safe
def programme_pdf(request: HttpRequest, year: int | None = None) -> HttpResponse:
    try:
        feed = feed_selection(request, year=year)
    except InvalidSelection as error:
        return invalid_selection_response(error)
    stored, current = programme_copy(feed)
    if stored is not None:
        return _serve(stored, feed, current=current)
    response = render(
        request,
        "programme/programme_pdf_pending.html",
        {
            "title": "Programme en PDF en préparation",
            "edition": feed.edition,
            "count": feed.count,
            "document_title": programme_title(feed),
            "programme_url": programme_page_url(feed),
            "retry_url": request.get_full_path(),
            "retry_after": RETRY_AFTER,
        },
        status=202,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _public_event(request: HttpRequest, slug: str):
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    shows_event(request, event)
    return event


@require_safe
def event_poster(request: HttpRequest, slug: str, size: str) -> HttpResponse:
    if size not in POSTER_SIZES:
        raise Http404("Les affiches existent en A4 et en A3.")
    event = _public_event(request, slug)
    response = HttpResponse(poster_pdf(event, size), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{size}-{event.slug}.pdf"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def event_visual(request: HttpRequest, slug: str, width: int, height: int) -> HttpResponse:
    if (width, height) not in VISUAL_SIZES:
        raise Http404("Les visuels existent en 1200 × 630 et en 1080 × 1080.")
    event = _public_event(request, slug)
    response = HttpResponse(social_visual(event, width, height), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="visuel-{width}x{height}-{event.slug}.png"'
    # Link previews fetch it again rarely; the page cache keeps it until the content changes.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def event_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The QR code of an event's page, to print or paste (the organiser's kit)."""
    event = _public_event(request, slug)
    response = HttpResponse(
        qr_png(absolute_url(event.get_absolute_url()), scale=12), content_type="image/png"
    )
    response["Content-Disposition"] = f'inline; filename="qr-{event.slug}.png"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def edition_badge(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    response = HttpResponse(badge_png(edition), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="evenement-reference-{year}.png"'
    response["Cache-Control"] = "public, max-age=86400"
    return response
