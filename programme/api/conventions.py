"""What every endpoint of the API shares, apart from the views (DRF's settings import these
while the views import DRF's generics): French JSON errors, page pagination, the per-IP limit."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from moisinno.ratelimit import client_ip, rate_limited


class InvalidParameters(exceptions.ValidationError):
    def __init__(self, messages: list[str]):
        super().__init__(messages)
        self.messages = messages


def _french(text: str) -> str:
    """French typography: a non-breaking space before « : »."""
    return text.replace(" :", "\u00a0:")


def exception_handler(exc, context):
    """Every error as `{"detail": "<French message>", "errors": [...]}`."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 page, logged
    errors: list[str] = []
    if isinstance(exc, InvalidParameters):
        detail = "Un ou plusieurs paramètres ne sont pas valides."
        errors = exc.messages
    elif isinstance(exc, exceptions.Throttled):
        detail = (
            f"Trop de requêtes depuis votre adresse : réessayez dans {exc.wait:.0f} secondes "
            f"(au plus {settings.API_RATE_LIMIT} requêtes par minute)."
        )
    elif isinstance(exc, exceptions.NotFound | Http404):
        detail = str(exc.detail) if getattr(exc, "has_french_detail", False) else _NOT_FOUND
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = "Cette API est en lecture seule : seules les méthodes GET, HEAD et OPTIONS sont "
        detail += "acceptées."
    elif isinstance(exc, exceptions.NotAcceptable):
        detail = "Cette API ne répond qu’en JSON (application/json)."
    else:
        detail = str(response.data.get("detail", "La requête n’a pas pu être traitée."))
    response.data = {"detail": _french(detail), "errors": [_french(str(e)) for e in errors]}
    return response


_NOT_FOUND = "Aucune ressource publique ne correspond à cette adresse."


class FrenchNotFound(exceptions.NotFound):
    has_french_detail = True


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse(
        {
            "detail": _french(f"{_NOT_FOUND} Les points d’accès sont décrits sur /api/."),
            "errors": [],
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


class Pagination(PageNumberPagination):
    """`?page=2&page_size=50`: `count`, `next`, `previous` (absolute links) and `results`."""

    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise InvalidParameters(
                [f"page_size : un nombre entier entre 1 et {self.max_page_size} est attendu."]
            )
        return int(value)

    def get_next_link(self) -> str | None:
        return _on_site(super().get_next_link())

    def get_previous_link(self) -> str | None:
        return _on_site(super().get_previous_link())

    def paginate_queryset(self, queryset, request, view=None):
        number = request.query_params.get(self.page_query_param, "1")
        if not number.isdigit() or int(number) < 1:
            raise InvalidParameters(["page : un nombre entier à partir de 1 est attendu."])
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise FrenchNotFound(
                f"La page {number} n’existe pas : cette sélection en compte {pages}."
            ) from None


def _on_site(link: str | None) -> str | None:
    """DRF builds links from the request's host; ours are on `SITE_URL`, as in the feeds
    (behind a proxy the host the application sees is not the public one)."""
    if link is None:
        return None
    parts = urlsplit(link)
    return f"{settings.SITE_URL}{parts.path}" + (f"?{parts.query}" if parts.query else "")


class IpRateThrottle(BaseThrottle):
    """`API_RATE_LIMIT` requests per minute and per IP address, counted in the shared cache
    (Redis in production: every gunicorn worker and every server sees the same counters)."""

    def allow_request(self, request, view) -> bool:
        self.seconds = rate_limited(
            f"api:ip:{client_ip(request)}", limit=settings.API_RATE_LIMIT, period=60
        )
        return not self.seconds

    def wait(self) -> int:
        return self.seconds
