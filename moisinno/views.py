from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from events.selectors import current_edition, edition_key_figures

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
    return render(request, "home.html", {"edition": edition, "figures": figures})


@require_safe
def static_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in STATIC_PAGES:
        raise Http404
    return render(
        request, f"pages/{page}.html", {"title": STATIC_PAGES[page], "edition": current_edition()}
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
