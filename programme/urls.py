"""The public site's URLs, mounted at the root. Namespaces `events:` and `labs:` as before."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS, robots_txt

events_patterns = (
    [
        path("programme/", views.programme, name="programme"),
        path("programme/calendrier/", views.calendar, name="calendar"),
        path("evenements/<slug:slug>/", views.event_detail, name="detail"),
        path("evenements/<slug:slug>/calendrier.ics", views.event_ics, name="ics"),
        path("editions/<int:year>/", views.edition_detail, name="edition"),
        path("organisateurs/<slug:slug>/", views.organization_detail, name="organization"),
    ],
    "events",
)

labs_patterns = (
    [
        path("", views.lab_list, name="list"),
        path("<slug:slug>/", views.lab_detail, name="detail"),
    ],
    "labs",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accessibilite/", views.static_page, {"page": "accessibilite"}, name="accessibility"),
    path("mentions-legales/", views.static_page, {"page": "mentions_legales"}, name="legal"),
    path(
        "donnees-personnelles/", views.static_page, {"page": "donnees_personnelles"}, name="privacy"
    ),
    path("plan-du-site/", views.static_page, {"page": "plan_du_site"}, name="sitemap_page"),
    path("organiser-un-evenement/", views.static_page, {"page": "organiser"}, name="organise"),
    path("", include(events_patterns)),
    path("labs/", include(labs_patterns)),
    # Open data: the programme's feeds and exports, the API, embedding, « Mon programme »,
    # public figures.
    path("", include("programme.feeds.urls")),
    path("api/", include("programme.api.urls")),
    path("", include("programme.visitor_urls")),
    path("", include("programme.figures_urls")),
]
