"""The API, mounted at `/api/`: its French presentation page, then version 1 under `/api/v1/`."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import conventions, views

app_name = "api"

urlpatterns = [
    path("", views.api_page, name="index"),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("v1/events/", views.EventList.as_view(), name="events"),
    path("v1/events/<slug:slug>/", views.EventDetail.as_view(), name="event"),
    path("v1/sessions/", views.SessionList.as_view(), name="sessions"),
    path("v1/labs/", views.LabList.as_view(), name="labs"),
    path("v1/labs/<slug:slug>/", views.LabDetail.as_view(), name="lab"),
    path("v1/organizations/", views.OrganizationList.as_view(), name="organizations"),
    path("v1/organizations/<slug:slug>/", views.OrganizationDetail.as_view(), name="organization"),
    path("v1/editions/", views.EditionList.as_view(), name="editions"),
    path("v1/editions/<int:year>/", views.EditionDetail.as_view(), name="edition"),
    path("v1/formats/", views.FormatList.as_view(), name="formats"),
    path("v1/themes/", views.ThemeList.as_view(), name="themes"),
    re_path(r"^v1/(?P<path>[\s\S]*)$", conventions.not_found, name="not_found"),
]
