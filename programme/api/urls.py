"""The API, mounted at `/api/`: its French presentation page, then version 1 under `/api/v1/`."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from moisinno.pagecache import public_page

from . import conventions, views


def _cached(view_class):
    """The API's answers are public: the shared page cache keeps them (an empty parameter is
    an error there, so it stays in the key)."""
    return public_page(view_class.as_view(), keep_empty_parameters=True)


app_name = "api"

urlpatterns = [
    path("", public_page(views.api_page), name="index"),
    path("v1/openapi.json", _cached(SpectacularJSONAPIView), name="openapi"),
    path("v1/events/", _cached(views.EventList), name="events"),
    path("v1/events/<slug:slug>/", _cached(views.EventDetail), name="event"),
    path("v1/sessions/", _cached(views.SessionList), name="sessions"),
    path("v1/labs/", _cached(views.LabList), name="labs"),
    path("v1/labs/<slug:slug>/", _cached(views.LabDetail), name="lab"),
    path("v1/organizations/", _cached(views.OrganizationList), name="organizations"),
    path("v1/organizations/<slug:slug>/", _cached(views.OrganizationDetail), name="organization"),
    path("v1/editions/", _cached(views.EditionList), name="editions"),
    path("v1/editions/<int:year>/", _cached(views.EditionDetail), name="edition"),
    path("v1/formats/", _cached(views.FormatList), name="formats"),
    path("v1/themes/", _cached(views.ThemeList), name="themes"),
    re_path(r"^v1/(?P<path>[\s\S]*)$", conventions.not_found, name="not_found"),
]
