from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS, robots_txt

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accessibilite/", views.static_page, {"page": "accessibilite"}, name="accessibility"),
    path("mentions-legales/", views.static_page, {"page": "mentions_legales"}, name="legal"),
    path(
        "donnees-personnelles/", views.static_page, {"page": "donnees_personnelles"}, name="privacy"
    ),
    path("plan-du-site/", views.static_page, {"page": "plan_du_site"}, name="sitemap_page"),
    path("organiser-un-evenement/", views.static_page, {"page": "organiser"}, name="organise"),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("events.urls")),
    path("labs/", include("labs.urls")),
    path("espace-organisateur/", include("organizers.urls")),
]
