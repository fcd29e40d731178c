"""Public statistics (`programme/figures.py`)."""

from django.urls import path

from moisinno.pagecache import public_page

from . import figures

urlpatterns = [
    path("chiffres/", public_page(figures.figures_page), name="figures"),
    path("chiffres.json", public_page(figures.figures_json), name="figures_json"),
    path("chiffres.csv", public_page(figures.figures_csv), name="figures_csv"),
]
