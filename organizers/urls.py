from django.urls import path

from . import views

app_name = "organizers"

urlpatterns = [
    path("<slug:slug>/", views.organization_detail, name="detail"),
]
