"""Visitors' own tools: « Mon programme » (starred events in a signed cookie, its calendar and
its share link) and the embeddable widget (`/integrer/` and the one route other sites may
frame). Thin views over `programme.selectors` and `programme.starred`."""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from events.models import Event
from events.selectors import current_edition

from .ical import calendar_lines, serialize
from .selectors import (
    prefetch_cards,
    programme_events,
    starred_events,
    starred_events_for_calendar,
)
from .starred import (
    MAX_STARRED,
    share_token,
    shared_ids,
    starred_ids,
    store_starred,
)
from .structured_data import absolute_url

EMBED_DEFAULT_COUNT = 20
EMBED_MAX_COUNT = 50
EMBED_COUNT_PARAM = "nombre"
# The embedded list is the only page other sites may frame: same policy, any ancestor.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


# « Mon programme » -----------------------------------------------------------------------------


def _public_event_or_404(slug: str) -> Event:
    event = Event.objects.public().filter(slug=slug).only("pk", "slug").first()
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    return event


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back after a POST: the page of the button, if it is one of ours."""
    candidate = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the POST comes from one of our pages.

    The star buttons sit on pages the shared cache keeps for every anonymous visitor, so they
    carry no CSRF token; cross-site forms are refused from the browser's own headers instead,
    as Go's `http.CrossOriginProtection` does: `Sec-Fetch-Site` (every current browser), then
    `Origin`. A request with neither comes from no browser, so no visitor's cookie is at risk."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in (
        f"{request.scheme}://{request.get_host()}",
        *settings.CSRF_TRUSTED_ORIGINS,
    )


def _star_view(view):
    """A star button's target: POST only, from our own pages (see `_from_this_site`)."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def wrapped(request: HttpRequest, slug: str) -> HttpResponse:
        if not _from_this_site(request):
            raise PermissionDenied("Cette demande ne vient pas d’une page du site.")
        return view(request, slug)

    return wrapped


@_star_view
def star_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event_or_404(slug)
    ids = starred_ids(request)
    if event.pk not in ids and len(ids) >= MAX_STARRED:
        return HttpResponseRedirect(reverse("mon_programme") + "?complet=1")
    response = HttpResponseRedirect(_next_url(request, event.get_absolute_url()))
    if event.pk not in ids:
        store_starred(request, response, [*ids, event.pk])
    return response


@_star_view
def star_remove(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event_or_404(slug)
    response = HttpResponseRedirect(_next_url(request, event.get_absolute_url()))
    ids = starred_ids(request)
    if event.pk in ids:
        store_starred(request, response, [pk for pk in ids if pk != event.pk])
    return response


@require_GET
def mon_programme(request: HttpRequest) -> HttpResponse:
    events = starred_events(starred_ids(request))
    share_url = (
        absolute_url(
            reverse("mon_programme_shared", kwargs={"token": share_token([e.pk for e in events])})
        )
        if events
        else ""
    )
    return render(
        request,
        "programme/mon_programme.html",
        {
            "title": "Mon programme",
            "events": events,
            "share_url": share_url,
            "full": "complet" in request.GET,
            "max_starred": MAX_STARRED,
            "breadcrumb_data": {"current": "Mon programme"},
        },
    )


@require_GET
def mon_programme_ics(request: HttpRequest) -> HttpResponse:
    events = starred_events_for_calendar(starred_ids(request))
    lines = calendar_lines(
        ((event, absolute_url(event.get_absolute_url())) for event in events),
        name="Mon programme — Mois de l’innovation publique",
    )
    response = HttpResponse(serialize(lines), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mon-programme.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def mon_programme_shared(request: HttpRequest, token: str) -> HttpResponse:
    ids = shared_ids(token)
    if ids is None:
        return render(
            request,
            "programme/mon_programme_shared.html",
            {"title": "Lien de partage non valide", "invalid": True},
            status=404,
        )
    events = starred_events(ids)
    mine = set(starred_ids(request))
    return render(
        request,
        "programme/mon_programme_shared.html",
        {
            "title": "Un programme partagé",
            "events": events,
            "token": token,
            "new_count": sum(1 for event in events if event.pk not in mine),
            "breadcrumb_data": {
                "links": [{"url": reverse("mon_programme"), "title": "Mon programme"}],
                "current": "Programme partagé",
            },
        },
    )


@require_POST
def mon_programme_import(request: HttpRequest, token: str) -> HttpResponse:
    ids = shared_ids(token)
    if ids is None:
        raise Http404("Ce lien de partage n’est pas valide.")
    mine = starred_ids(request)
    shared = [event.pk for event in starred_events(ids) if event.pk not in mine]
    merged = [*mine, *shared]
    response = HttpResponseRedirect(reverse("mon_programme"))
    if len(merged) > MAX_STARRED:
        response["Location"] += "?complet=1"
        merged = merged[:MAX_STARRED]
    store_starred(request, response, merged)
    return response


# Embeddable widget ------------------------------------------------------------------------------


def _embed_count(request: HttpRequest) -> tuple[int, str]:
    """How many events the embedded list shows, and a French message if the value is wrong."""
    raw = request.GET.get(EMBED_COUNT_PARAM, "")
    if raw == "":
        return EMBED_DEFAULT_COUNT, ""
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if 1 <= count <= EMBED_MAX_COUNT:
        return count, ""
    return EMBED_DEFAULT_COUNT, (
        f"Nombre d’événements\u00a0: saisissez un nombre entier entre 1 et {EMBED_MAX_COUNT}."
    )


def _selection_query(filterset, *, count: int | None = None) -> str:
    """The query string of the selection without the criteria that could not be understood,
    with `nombre` only when `count` is given and is not the default."""
    data = QueryDict(filterset.query_without_errors(), mutable=True)
    data.pop(EMBED_COUNT_PARAM, None)
    for name in list(data):  # the empty fields of a submitted form filter nothing
        values = [value for value in data.getlist(name) if value]
        if values:
            data.setlist(name, values)
        else:
            del data[name]
    if count is not None and count != EMBED_DEFAULT_COUNT:
        data[EMBED_COUNT_PARAM] = str(count)
    return data.urlencode()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


@require_GET
def embed_builder(request: HttpRequest) -> HttpResponse:
    """/integrer/: how to put a selection of the programme on another site."""
    edition = current_edition()
    context: dict = {
        "title": "Intégrer le programme sur votre site",
        "edition": edition,
        "breadcrumb_data": {"current": "Intégrer le programme"},
        "max_count": EMBED_MAX_COUNT,
    }
    if edition is None:
        return render(request, "programme/integrer.html", context)
    selection = programme_events(edition=edition, params=request.GET)
    filterset = selection.filterset
    count, count_error = _embed_count(request)
    active_filters = filterset.active_filters()
    filterset.prepare_form()
    query = _selection_query(filterset, count=count)
    embed_url = _with_query(absolute_url(reverse("embed_programme")), query)
    context.update(
        form=selection.form,
        active_filters=active_filters,
        filter_errors=[*filterset.error_messages(), *([count_error] if count_error else [])],
        query_without_errors=query,
        count=count,
        embed_url=embed_url,
        snippet=format_html(
            '<iframe src="{}" title="{}" style="{}" loading="lazy"></iframe>',
            embed_url,
            "Programme du Mois de l’innovation publique",
            "width:100%;height:600px;border:0",
        ),
        preview_url=_with_query(reverse("embed_programme"), query),
        matching=selection.events.count(),
    )
    return render(request, "programme/integrer.html", context)


@require_GET
@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed_programme(request: HttpRequest) -> HttpResponse:
    """The embedded list: no header or footer, DSFR styles, no script, links to our pages."""
    edition = current_edition()
    context: dict = {"edition": edition, "site_url": settings.SITE_URL}
    if edition is not None:
        selection = programme_events(edition=edition, params=request.GET)
        filterset = selection.filterset
        count, count_error = _embed_count(request)
        events = prefetch_cards(list(selection.events[:count]))
        total = selection.events.count() if len(events) == count else len(events)
        context.update(
            events=[(event, absolute_url(event.get_absolute_url())) for event in events],
            total=total,
            filter_errors=[*filterset.error_messages(), *([count_error] if count_error else [])],
            programme_url=_with_query(
                absolute_url(reverse("events:programme")), _selection_query(filterset)
            ),
        )
    response = render(request, "programme/embed.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response
