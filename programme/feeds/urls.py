"""The programme's feeds and exports, twins of `/programme/` and `/editions/<year>/`."""

from django.urls import path

from moisinno.pagecache import public_page

from ..paper import views as paper_views
from . import views

app_name = "feeds"

# Public, so kept by the shared page cache for anonymous visitors (moisinno/pagecache.py).
FORMATS = {
    "ics": public_page(views.programme_ics),
    "csv": public_page(views.programme_csv),
    "json": public_page(views.programme_json),
    "geojson": public_page(views.programme_geojson),
}
ATOM = public_page(views.programme_atom)
# The printed programme: kept in the media storage by version (programme/paper/store.py).
PDF = public_page(paper_views.programme_pdf)

urlpatterns = [
    *(path(f"programme.{ext}", view, name=ext) for ext, view in FORMATS.items()),
    path("flux.atom", ATOM, name="atom"),
    path("programme.pdf", PDF, name="pdf"),
    *(
        path(f"editions/<int:year>/programme.{ext}", view, name=f"edition_{ext}")
        for ext, view in FORMATS.items()
    ),
    path("editions/<int:year>/flux.atom", ATOM, name="edition_atom"),
    path("editions/<int:year>/programme.pdf", PDF, name="edition_pdf"),
    path("donnees/programme-schema.json", public_page(views.csv_schema), name="schema"),
]
