"""One person's pages reached by a signed link (a registration, a questionnaire)."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse


def private_page(view: Callable) -> Callable:
    """One person's page, reached by a signed link: never stored nor indexed, and its URL
    (the token) never sent as a referrer.

    `strict-origin`, not `no-referrer`: under `no-referrer` a browser sends `Origin: null`
    with the page's own forms (the Fetch standard; Chromium does), which Django's CSRF check
    refuses, so no confirmation, cancellation or answer would go through. `strict-origin`
    sends the site's origin alone, never the path."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapped
