from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from events.enums import EventStatus

from .models import Organization


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    events = organization.events.filter(status=EventStatus.PUBLISHED).select_related("format")
    return render(
        request,
        "organizers/organization_detail.html",
        {"organization": organization, "events": events},
    )
