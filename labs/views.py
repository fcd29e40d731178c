from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from events.enums import EventStatus

from .models import Lab


@require_GET
def lab_list(request: HttpRequest) -> HttpResponse:
    labs = Lab.objects.annotate(event_count=Count("events")).order_by("name")
    return render(request, "labs/lab_list.html", {"labs": labs})


@require_GET
def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lab = get_object_or_404(Lab, slug=slug)
    events = lab.events.filter(status=EventStatus.PUBLISHED).select_related("organization")
    return render(request, "labs/lab_detail.html", {"lab": lab, "events": events})
