"""The project's own views: `/healthz` and the error pages (handler400 … handler500, CSRF).

The 500 and 503 pages are rendered without the request: no context processor runs, so they
touch neither the database nor the session, and still render when both are gone. A database
that does not answer (OperationalError, InterfaceError), or a shared cache that does not (Redis:
the rate limits need it), anywhere in a request gives the 503 page with `Retry-After`; the next
request tries again, so the site recovers by itself when they come back. Under /api/ the
errors stay JSON, in French.
"""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_guid import get_guid
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Seconds a client (or a load balancer) should wait before trying again during an outage.
OUTAGE_RETRY_AFTER = 30

API_PREFIX = "/api/"
API_MESSAGES = {
    400: "Requête incorrecte.",
    403: "Accès refusé.",
    404: "Aucune ressource publique ne correspond à cette adresse. "
    "Les points d’accès sont décrits sur /api/.",
    500: "Erreur inattendue du serveur. Réessayez plus tard.",
    503: "Service momentanément indisponible. Réessayez dans quelques instants.",
}
# What the pages' skip links would get from the `site` context processor.
SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#header-navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file of MEDIA_ROOT (local storage only: with S3 the browser reads the
    bucket). Names carry their content's hash, so a file may be cached forever."""
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": API_MESSAGES[status], "errors": []},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    if _is_api(request):
        return _api_error(status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def service_unavailable(exception: BaseException | None) -> bool:
    """Whether an exception means the database or the shared cache (Redis) does not answer,
    rather than a bug."""
    return isinstance(
        exception, OperationalError | InterfaceError | RedisConnectionError | RedisTimeoutError
    )


def static_error_page(request: HttpRequest, status: int) -> HttpResponse:
    """The 500 or 503 page from the template alone: no request context, no database, no
    session; the request id so that a visitor can quote it."""
    request_id = get_guid()
    if _is_api(request):
        response = _api_error(status)
    else:
        html = loader.get_template(f"{status}.html").render(
            {"request_id": request_id, "skiplinks": SKIPLINKS}
        )
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, which tells 500 from 503."""
    status = 503 if service_unavailable(sys.exc_info()[1]) else 500
    return static_error_page(request, status)
