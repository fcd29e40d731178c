"""Public statistics (`programme/figures.py`)."""

from django.urls import path

from . import figures

urlpatterns = [
    path("chiffres/", figures.figures_page, name="figures"),
    path("chiffres.json", figures.figures_json, name="figures_json"),
    path("chiffres.csv", figures.figures_csv, name="figures_csv"),
]
