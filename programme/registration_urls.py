"""URLs of on-platform registration, for visitors (no account): the form on an event, the
confirmation of the address, the registrant's own page from their signed link."""

from django.urls import path

from . import registration_views as views

app_name = "registrations"

urlpatterns = [
    path("evenements/<slug:slug>/inscription/", views.register, name="register"),
    path("evenements/<slug:slug>/inscription/envoyee/", views.register_sent, name="register_sent"),
    path("inscriptions/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("inscriptions/<str:token>/", views.manage, name="manage"),
]
