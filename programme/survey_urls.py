"""URL of the participants' satisfaction survey (a signed link, no account)."""

from django.urls import path

from . import survey_views as views

app_name = "survey"

urlpatterns = [
    path("questionnaire/<str:token>/", views.answer, name="answer"),
]
