"""The programme's feeds and exports, twins of `/programme/` and `/editions/<year>/`."""

from django.urls import path

from . import views

app_name = "feeds"

FORMATS = {
    "ics": views.programme_ics,
    "csv": views.programme_csv,
    "json": views.programme_json,
    "geojson": views.programme_geojson,
}

urlpatterns = [
    *(path(f"programme.{ext}", view, name=ext) for ext, view in FORMATS.items()),
    path("flux.atom", views.programme_atom, name="atom"),
    *(
        path(f"editions/<int:year>/programme.{ext}", view, name=f"edition_{ext}")
        for ext, view in FORMATS.items()
    ),
    path("editions/<int:year>/flux.atom", views.programme_atom, name="edition_atom"),
    path("donnees/programme-schema.json", views.csv_schema, name="schema"),
]
