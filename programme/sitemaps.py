"""`/sitemap.xml` and `/robots.txt`: what search engines may crawl, and where the pages are."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from events.models import Collection, Edition, Event
from events.states import PUBLIC_STATUSES
from labs.models import Lab
from organizers.models import Organization


class SiteSitemap(Sitemap):
    """URLs on SITE_URL (the django.contrib.sites row is not kept up to date)."""

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticPagesSitemap(SiteSitemap):
    changefreq = "weekly"
    names = [
        "home",
        "events:programme",
        "events:calendar",
        "events:collections",
        "labs:list",
        "figures",
        "api:index",
        "organise",
        "accessibility",
        "legal",
        "privacy",
        "sitemap_page",
    ]

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)


class EventSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Event.objects.filter(status__in=PUBLIC_STATUSES).only("slug", "updated_at")

    def lastmod(self, event: Event):
        return event.updated_at


class EditionSitemap(SiteSitemap):
    changefreq = "yearly"

    def items(self):
        return Edition.objects.filter(is_current=False).order_by("-year")


class CollectionSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Collection.objects.filter(is_published=True).only("slug").order_by("pk")


class LabSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Lab.objects.only("slug").order_by("name")


class OrganizationSitemap(SiteSitemap):
    """Organisations with at least one public event."""

    changefreq = "weekly"

    def items(self):
        public = Event.objects.filter(status__in=PUBLIC_STATUSES)
        return (
            Organization.objects.filter(
                Q(Exists(public.filter(organization=OuterRef("pk"))))
                | Q(Exists(public.filter(co_organizers=OuterRef("pk"))))
            )
            .only("slug")
            .order_by("name")
        )


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "events": EventSitemap,
    "editions": EditionSitemap,
    "parcours": CollectionSitemap,
    "labs": LabSitemap,
    "organisations": OrganizationSitemap,
}


@require_GET
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps=SITEMAPS)


ROBOTS_DISALLOW = ["/admin/", "/compte/", "/espace-organisateur/"]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
