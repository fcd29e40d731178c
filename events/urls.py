from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("programme/calendrier/", views.calendar, name="calendar"),
    path("evenements/<slug:slug>/", views.event_detail, name="detail"),
    path("evenements/<slug:slug>/calendrier.ics", views.event_ics, name="ics"),
    path("editions/<int:year>/", views.edition_detail, name="edition"),
    path("organisateurs/<slug:slug>/", views.organization_detail, name="organization"),
]
