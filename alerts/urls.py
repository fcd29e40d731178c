"""E-mail alerts, mounted under /alertes/ (namespace `alerts:`)."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("courriel-envoye/", views.subscribe_sent, name="sent"),
    path("confirmation/<str:token>/", views.confirm, name="confirm"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gerer/<str:token>/", views.manage, name="manage"),
]
