"""The public site's pages: home, programme, calendar, event, edition, lab and organisation
pages, legal pages. Thin views over `programme.selectors` (reads) and presentation helpers."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from events.models import Edition
from events.selectors import current_edition
from labs.models import Lab
from moisinno.pagination import with_page_numbers
from organizers.models import Organization

from .accessibility import statement_figures
from .cache_tags import shows_event, shows_lab, shows_no_event, shows_organization
from .feeds.links import selection_feed_links
from .ical import event_ical
from .selectors import (
    COLLECTION_PARAMETER,
    edition_collections,
    edition_key_figures,
    event_collections,
    event_related,
    featured_events,
    lab_atlas,
    paginate,
    prefetch_cards,
    programme_calendar,
    programme_counts,
    programme_events,
    programme_facets,
    programme_listing,
    public_event,
    public_events_of_lab,
    public_events_of_organization,
    published_collection,
    published_collections,
)
from .structured_data import absolute_url, event_structured_data, json_ld

STATIC_PAGES = {
    "accessibilite": "Déclaration d'accessibilité",
    "mentions_legales": "Mentions légales",
    "donnees_personnelles": "Données personnelles",
    "plan_du_site": "Plan du site",
    "organiser": "Organiser un événement",
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    figures = edition_key_figures(edition=edition) if edition else None
    return render(
        request,
        "home.html",
        {
            "edition": edition,
            "figures": figures,
            "featured": featured_events(edition=edition),
            "collections": edition_collections(edition=edition),
        },
    )


@require_safe
def static_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in STATIC_PAGES:
        raise Http404
    context = {"title": STATIC_PAGES[page], "edition": current_edition()}
    if page == "accessibilite":
        # The statement shows the committed measurements of tests/e2e/test_sweep.py.
        context["sweep"] = statement_figures()
    shows_no_event(request)
    return render(request, f"pages/{page}.html", context)


def _programme_context(request: HttpRequest, edition: Edition, params=None) -> dict:
    selection = programme_events(edition=edition, params=request.GET if params is None else params)
    counts = programme_counts(selection=selection)
    listing = programme_listing(selection=selection, page=request.GET.get("page"), counts=counts)
    filterset = selection.filterset
    active_filters = filterset.active_filters()
    filterset.prepare_form(facets=programme_facets(selection=selection, counts=counts))
    with_page_numbers(listing.page)  # the page numbers of DSFR's pagination
    return {
        "edition": edition,
        "selection": selection,
        "form": selection.form,
        "listing": listing,
        "page_obj": listing.page,
        "active_filters": active_filters,
        "filter_errors": filterset.error_messages(),
        "query_without_errors": filterset.query_without_errors(),
        "feed_links": selection_feed_links(edition=edition, query=filterset.query_without_errors()),
        "sort_choices": filterset.sort_choices(),
        "search": filterset.search,
        # « Avec des ressources » once the edition has begun (the key of a cached page
        # holds the day).
        "offers_resources": edition.start_date <= timezone.localdate(),
    }


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        return render(request, "programme/programme.html", {"title": "Programme", "edition": None})
    context = _programme_context(request, edition)
    context.update(
        title=f"Programme {edition.year}",
        is_current=True,
        breadcrumb_data={"current": f"Programme {edition.year}"},
    )
    return render(request, "programme/programme.html", context)


@require_GET
def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    if edition == current_edition():
        query = request.GET.urlencode()
        return redirect(reverse("events:programme") + (f"?{query}" if query else ""))
    context = _programme_context(request, edition)
    context.update(
        title=f"Programme de l’édition {edition.year}",
        is_current=False,
        breadcrumb_data={"current": f"Édition {edition.year}"},
    )
    return render(request, "programme/programme.html", context)


COLLECTIONS_CRUMB = "Parcours"


@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    """Every « parcours », by edition: the index of `/parcours/<slug>/`."""
    return render(
        request,
        "programme/collection_list.html",
        {
            "title": "Les parcours",
            "collections": published_collections(),
            "edition": current_edition(),
            "breadcrumb_data": {"current": COLLECTIONS_CRUMB},
        },
    )


@require_GET
def collection_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A « parcours »: the programme's cards and filters within the collection's events, with
    the same feeds and embed as any selection (`?parcours=<slug>`)."""
    collection = published_collection(slug=slug)
    if collection is None:
        raise Http404("Aucun parcours à cette adresse.")
    params = request.GET.copy()
    params[COLLECTION_PARAMETER] = collection.slug
    context = _programme_context(request, collection.edition, params=params)
    context.update(
        title=collection.title,
        collection=collection,
        is_current=collection.edition.is_current,
        breadcrumb_data={
            "links": [{"url": reverse("events:collections"), "title": COLLECTIONS_CRUMB}],
            "current": collection.title,
        },
    )
    return render(request, "programme/programme.html", context)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        return render(request, "programme/calendar.html", {"title": "Calendrier", "edition": None})
    selection = programme_events(edition=edition, params=request.GET)
    filterset = selection.filterset
    active_filters = filterset.active_filters()
    filterset.prepare_form()
    return render(
        request,
        "programme/calendar.html",
        {
            "title": f"Calendrier du programme {edition.year}",
            "edition": edition,
            "form": selection.form,
            "months": programme_calendar(selection=selection),
            "active_filters": active_filters,
            "filter_errors": filterset.error_messages(),
            "query_without_errors": filterset.query_without_errors(),
            "breadcrumb_data": {
                "links": [
                    {"url": reverse("events:programme"), "title": f"Programme {edition.year}"}
                ],
                "current": "Calendrier",
            },
        },
    )


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    edition = event.edition
    programme_link = (
        {"url": reverse("events:programme"), "title": f"Programme {edition.year}"}
        if edition.is_current
        else {"url": edition.get_absolute_url(), "title": f"Édition {edition.year}"}
    )
    related = event_related(event=event)
    shows_event(request, event, related=related)
    return render(
        request,
        "programme/event_detail.html",
        {
            "title": event.title,
            "event": event,
            "related": related,
            "collections": event_collections(event=event),
            "json_ld": json_ld(event_structured_data(event=event)),
            "breadcrumb_data": {"links": [programme_link], "current": event.title},
        },
    )


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    shows_event(request, event)
    response = HttpResponse(
        event_ical(event=event, url=absolute_url(event.get_absolute_url())),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    shows_organization(request, organization)
    page = paginate(
        public_events_of_organization(organization=organization), page=request.GET.get("page")
    )
    page.object_list = prefetch_cards(list(page.object_list))
    with_page_numbers(page)
    return render(
        request,
        "programme/organization_detail.html",
        {
            "title": organization.name,
            "organization": organization,
            "page_obj": page,
            "breadcrumb_data": {"current": organization.name},
        },
    )


def _lab_list(request: HttpRequest, edition: Edition | None, **context) -> HttpResponse:
    atlas = lab_atlas(edition=edition, params=request.GET)
    return render(
        request,
        "programme/lab_list.html",
        {
            "title": "Laboratoires d’innovation publique",
            "atlas": atlas,
            "edition": edition,
            "form": atlas.filterset.form,
            "filter_errors": atlas.filterset.error_messages(),
            "breadcrumb_data": {"current": "Laboratoires"},
            **context,
        },
    )


@require_GET
def lab_list(request: HttpRequest) -> HttpResponse:
    return _lab_list(request, current_edition())


@require_GET
def edition_labs(request: HttpRequest, year: int) -> HttpResponse:
    """The labs atlas of a past edition: its figures and each lab's events of that year."""
    edition = get_object_or_404(Edition, year=year)
    if edition == current_edition():
        query = request.GET.urlencode()
        return redirect(reverse("labs:list") + (f"?{query}" if query else ""))
    return _lab_list(
        request,
        edition,
        title=f"Laboratoires de l’édition {edition.year}",
        breadcrumb_data={
            "links": [{"url": edition.get_absolute_url(), "title": f"Édition {edition.year}"}],
            "current": "Laboratoires",
        },
    )


@require_GET
def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lab = get_object_or_404(Lab.objects.select_related("host_organization"), slug=slug)
    shows_lab(request, lab)
    page = paginate(public_events_of_lab(lab=lab), page=request.GET.get("page"))
    page.object_list = prefetch_cards(list(page.object_list))
    with_page_numbers(page)
    return render(
        request,
        "programme/lab_detail.html",
        {
            "title": lab.name,
            "lab": lab,
            "page_obj": page,
            "edition": current_edition(),
            "breadcrumb_data": {
                "links": [{"url": reverse("labs:list"), "title": "Laboratoires"}],
                "current": lab.name,
            },
        },
    )
