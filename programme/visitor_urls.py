"""URLs of the visitors' own tools: « Mon programme » and the embeddable widget."""

from django.urls import path

from moisinno.pagecache import public_page

from . import visitor

urlpatterns = [
    path("mon-programme/", visitor.mon_programme, name="mon_programme"),
    path("mon-programme.ics", visitor.mon_programme_ics, name="mon_programme_ics"),
    path("mon-programme/ajouter/<slug:slug>/", visitor.star_add, name="star_add"),
    path("mon-programme/retirer/<slug:slug>/", visitor.star_remove, name="star_remove"),
    path(
        "mon-programme/partage/<str:token>/",
        visitor.mon_programme_shared,
        name="mon_programme_shared",
    ),
    path(
        "mon-programme/partage/<str:token>/importer/",
        visitor.mon_programme_import,
        name="mon_programme_import",
    ),
    path("integrer/", visitor.embed_builder, name="embed_builder"),
    path("integrer/programme/", public_page(visitor.embed_programme), name="embed_programme"),
]
