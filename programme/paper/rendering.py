"""HTML to a tagged PDF with WeasyPrint, reading only our own files.

Every document is PDF/UA-1 (a structure tree, the language, the title in the window), set in the
DSFR's Marianne (django-dsfr's static files). WeasyPrint reaches nothing but the static files, the
media storage and `data:` URIs (`LocalFetcher`): no request leaves the server while a PDF is
rendered, whatever an organiser wrote.
"""

import functools
import mimetypes
import re

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

#: The documents' base URL: `/static/…` and `/media/…` resolve under it, and only there.
BASE_URL = "https://paper.moisinno.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
MEDIA_PREFIX = BASE_URL + "media/"

#: Marianne's weights the documents use, declared in `paper/fonts.css`. WOFF rather than
#: WOFF2: WeasyPrint reads WOFF2 only when the brotli module is installed.
FONT_FILES = {
    "400": "dsfr/dist/fonts/Marianne-Regular.woff",
    "500": "dsfr/dist/fonts/Marianne-Medium.woff",
    "700": "dsfr/dist/fonts/Marianne-Bold.woff",
}


def preload() -> None:
    """Import WeasyPrint now (gunicorn.conf.py: when a web worker starts), so that no request
    pays for it (1.5–2 s)."""
    _fetcher_class()


@functools.cache
def _fetcher_class():
    """`LocalFetcher`, built at the first document: WeasyPrint is imported only by the processes
    that print (30 MB and half a second otherwise spent by every web worker)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 - optional dependency

    def response(url: str, body: bytes, name: str) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    class LocalFetcher(URLFetcher):
        """Static files, media files and `data:` URIs; anything else fails (WeasyPrint then
        leaves the image or font out and logs a warning)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_PREFIX):
                name = url.removeprefix(STATIC_PREFIX).split("?")[0]
                path = finders.find(name) if ".." not in name else None
                if not path:
                    raise ValueError(f"no static file {name}")
                with open(path, "rb") as file:
                    return response(url, file.read(), name)
            if url.startswith(MEDIA_PREFIX):
                name = url.removeprefix(MEDIA_PREFIX).split("?")[0]
                if ".." in name:
                    raise ValueError(f"no media file {name}")
                with default_storage.open(name, "rb") as file:
                    return response(url, file.read(), name)
            raise ValueError(f"not fetched while printing: {url[:80]}")

    return LocalFetcher


def static_url(name: str) -> str:
    return STATIC_PREFIX + name


def media_url(name: str) -> str:
    return MEDIA_PREFIX + name


def css_string(text: str) -> str:
    """`text` as a CSS string, safe inside a `<style>` element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 32 else char for char in text
    )
    return f'"{escaped}"'


def font_faces() -> str:
    """The `@font-face` rules of Marianne, for a document's `<style>`."""
    return "\n".join(
        f'@font-face {{ font-family: "Marianne"; font-weight: {weight}; font-style: normal; '
        f'src: url("{static_url(name)}") format("woff"); }}'
        for weight, name in FONT_FILES.items()
    )


def html_to_pdf(html: str, target=None) -> bytes | None:
    """The PDF/UA-1 of `html` (which sets `lang` and `<title>`), as bytes or into `target`."""
    from weasyprint import HTML  # noqa: PLC0415 - optional dependency

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()(timeout=5))
    return document.write_pdf(
        target,
        pdf_variant="pdf/ua-1",
        # The PDF's metadata come from the HTML's <title> and <meta> elements.
        presentational_hints=False,
        optimize_images=False,
    )


#: The DSFR's stylesheet of the State's block, whose Marianne and motto we reuse on paper.
LOGO_STYLESHEET = "dsfr/dist/component/logo/logo.main.min.css"


@functools.cache
def brand_css() -> str:
    """The DSFR's « bloc-marque » (`.fr-logo`) for WeasyPrint: the same Marianne and motto
    images as the site's header, read from django-dsfr's stylesheet, with the positions
    computed (WeasyPrint does not resolve DSFR's `calc()` in `background-position`)."""
    with open(finders.find(LOGO_STYLESHEET), encoding="utf-8") as file:
        css = file.read()
    marianne = re.search(r'\.fr-logo:before\{background-image:(url\("data:[^"]+"\))', css)[1]
    motto = re.search(r'\.fr-logo:after\{background-image:(url\("data:[^"]+"\))', css)[1]
    return (
        ".fr-logo { display: inline-block; font-weight: 700; text-transform: uppercase;"
        " line-height: 1.0317em; letter-spacing: -0.01em; }"
        f".fr-logo::before {{ content: ''; display: block; width: 2.75em; height: 1em;"
        f" margin-bottom: 0.333em; background-image: {marianne},"
        " linear-gradient(90deg, #000091, #000091 50%, #e1000f 50%, #e1000f);"
        " background-repeat: no-repeat; background-position: 0 -0.0625em, 0 0;"
        " background-size: 2.75em 1.125em, 2.75em 1em; }"
        f".fr-logo::after {{ content: ''; display: block; min-width: 2.625em;"
        f" padding-top: 2.2083em; background-image: {motto}; background-repeat: no-repeat;"
        " background-size: 5.25em 3.75em; background-position: 0 0.333em; }"
    )
