from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from events.pagination import with_page_numbers
from events.selectors import current_edition, paginate, prefetch_cards, public_events_of_lab

from .models import Lab
from .selectors import lab_atlas


@require_GET
def lab_list(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    atlas = lab_atlas(edition=edition, params=request.GET)
    return render(
        request,
        "labs/lab_list.html",
        {
            "title": "Laboratoires d’innovation publique",
            "atlas": atlas,
            "edition": edition,
            "form": atlas.filterset.form,
            "filter_errors": atlas.filterset.error_messages(),
            "breadcrumb_data": {"current": "Laboratoires"},
        },
    )


@require_GET
def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lab = get_object_or_404(Lab.objects.select_related("host_organization"), slug=slug)
    page = paginate(public_events_of_lab(lab=lab), page=request.GET.get("page"))
    page.object_list = prefetch_cards(list(page.object_list))
    with_page_numbers(page)
    return render(
        request,
        "labs/lab_detail.html",
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
