from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .enums import PUBLIC_STATUSES
from organizers.models import Organization

from .models import Edition, Event
from .selectors import current_edition, published_events


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    events = (
        published_events(edition=edition)
        .select_related("organization", "format")
        .prefetch_related("sessions", "labs")
        if edition
        else []
    )
    return render(request, "events/programme.html", {"edition": edition, "events": events})


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.select_related("organization", "format", "edition").prefetch_related(
            "sessions", "labs", "themes", "co_organizers"
        ),
        slug=slug,
        status__in=PUBLIC_STATUSES,
    )
    return render(request, "events/event_detail.html", {"event": event})


@require_GET
def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    events = (
        published_events(edition=edition)
        .select_related("organization", "format")
        .prefetch_related("sessions", "labs")
    )
    return render(request, "events/programme.html", {"edition": edition, "events": events})


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    events = organization.events.filter(status__in=PUBLIC_STATUSES).select_related("format")
    return render(
        request,
        "organizers/organization_detail.html",
        {"organization": organization, "events": events},
    )
