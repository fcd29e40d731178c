"""The public site's URLs, mounted at the root. Namespaces `events:` and `labs:` as before.

Every page here is public: `public_page` lets the shared cache keep it for anonymous visitors
(`moisinno/pagecache.py`)."""

from django.urls import include, path

from moisinno.pagecache import public_page

from . import bilan_views, reports, views
from .paper import views as paper_views
from .sitemaps import robots_txt, sitemap_xml

events_patterns = (
    [
        path("programme/", public_page(views.programme), name="programme"),
        path("programme/calendrier/", public_page(views.calendar), name="calendar"),
        path("evenements/<slug:slug>/", public_page(views.event_detail), name="detail"),
        path("evenements/<slug:slug>/calendrier.ics", public_page(views.event_ics), name="ics"),
        # On paper and on networks (programme/paper): the poster, the social visuals.
        path(
            "evenements/<slug:slug>/affiche-<str:size>.pdf",
            public_page(paper_views.event_poster),
            name="poster",
        ),
        path(
            "evenements/<slug:slug>/visuel-<int:width>x<int:height>.png",
            public_page(paper_views.event_visual),
            name="visual",
        ),
        path("evenements/<slug:slug>/qr.png", public_page(paper_views.event_qr), name="qr"),
        # Not cached: a form with a CSRF token (the event page links to it).
        path("evenements/<slug:slug>/signaler/", reports.event_report, name="report"),
        path(
            "evenements/<slug:slug>/signaler/merci/",
            reports.event_report_sent,
            name="report_sent",
        ),
        path("editions/<int:year>/", public_page(views.edition_detail), name="edition"),
        path("editions/<int:year>/labs/", public_page(views.edition_labs), name="edition_labs"),
        path("editions/<int:year>/bilan/", public_page(bilan_views.bilan_page), name="bilan"),
        path(
            "editions/<int:year>/bilan/donnees.csv",
            public_page(bilan_views.bilan_csv),
            name="bilan_csv",
        ),
        path(
            "editions/<int:year>/bilan/schema.json",
            public_page(bilan_views.bilan_schema),
            name="bilan_schema",
        ),
        path("editions/<int:year>/badge.png", public_page(paper_views.edition_badge), name="badge"),
        path("parcours/", public_page(views.collection_list), name="collections"),
        path("parcours/<slug:slug>/", public_page(views.collection_detail), name="collection"),
        path(
            "organisateurs/<slug:slug>/",
            public_page(views.organization_detail),
            name="organization",
        ),
    ],
    "events",
)

labs_patterns = (
    [
        path("", public_page(views.lab_list), name="list"),
        path("<slug:slug>/", public_page(views.lab_detail), name="detail"),
    ],
    "labs",
)

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", public_page(sitemap_xml), name="sitemap"),
    path(
        "accessibilite/",
        public_page(views.static_page),
        {"page": "accessibilite"},
        name="accessibility",
    ),
    path(
        "mentions-legales/",
        public_page(views.static_page),
        {"page": "mentions_legales"},
        name="legal",
    ),
    path(
        "donnees-personnelles/",
        public_page(views.static_page),
        {"page": "donnees_personnelles"},
        name="privacy",
    ),
    path(
        "plan-du-site/",
        public_page(views.static_page),
        {"page": "plan_du_site"},
        name="sitemap_page",
    ),
    path(
        "organiser-un-evenement/",
        public_page(views.static_page),
        {"page": "organiser"},
        name="organise",
    ),
    path("", include(events_patterns)),
    path("labs/", include(labs_patterns)),
    # Open data: the programme's feeds and exports, the API, embedding, « Mon programme »,
    # public figures.
    path("", include("programme.feeds.urls")),
    path("api/", include("programme.api.urls")),
    path("", include("programme.visitor_urls")),
    path("", include("programme.figures_urls")),
    # On-platform registration: the form, the address's confirmation, the registrant's page.
    path("", include("programme.registration_urls")),
    path("", include("programme.survey_urls")),
]
