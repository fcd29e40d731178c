"""The organiser dashboard's pages as the tests read them, and the many events they list."""

import datetime
import html
import itertools
import re

from django.urls import reverse

from events.enums import EventStatus
from events.models import Event
from tests.factories import EventFactory, EventSessionFactory, LabFactory, ThemeFactory

DASHBOARD = reverse("organizers:dashboard")
S = EventStatus


def many_events(edition, organization, count: int) -> list[Event]:
    """`count` events of every status, with two sessions, labs and themes each, and long
    titles, as organisers write them."""
    statuses = itertools.cycle(
        [S.PUBLISHED] * 6 + [S.SUBMITTED, S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED, S.CANCELLED]
    )
    events = []
    for number in range(count):
        status = next(statuses)
        event = EventFactory(
            edition=edition,
            organization=organization,
            status=status,
            title=(
                "Atelier de co-construction d’un service public numérique avec ses usagers "
                f"n° {number}"
            ),
            starts_on=edition.start_date + datetime.timedelta(days=number % 20),
            moderation_message="Précisez l’adresse du lieu et le public visé, s’il vous plaît."
            if status in (S.CHANGES_REQUESTED, S.REJECTED, S.CANCELLED)
            else "",
        )
        EventSessionFactory(event=event, date=event.starts_on + datetime.timedelta(days=1))
        event.labs.add(LabFactory())
        event.themes.add(ThemeFactory())
        events.append(event)
    return events


def listed(page: str) -> set[int]:
    """The events of a dashboard page, by the link to their preview."""
    return {int(pk) for pk in re.findall(r"/espace-organisateur/evenements/(\d+)/apercu/", page)}


def next_page(page: str) -> str | None:
    found = re.search(r'fr-pagination__link--next[^"]*"\s+href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def filter_links(page: str) -> dict[str, str]:
    """{label (count): URL} of the menu of filters by state."""
    return {
        html.unescape(label): html.unescape(href)
        for href, label in re.findall(
            r'<a class="fr-sidemenu__link"\s+href="([^"]+)"[^>]*>([^<]+)</a>', page
        )
    }


def every_page(client, url: str) -> tuple[list[set[int]], list[str]]:
    """Follow « Page suivante » from `url`: the events of each page, and the pages."""
    events, pages = [], []
    while url:
        response = client.get(DASHBOARD + url.split("#")[0] if url.startswith("?") else url)
        assert response.status_code == 200
        page = response.content.decode()
        events.append(listed(page))
        pages.append(page)
        url = next_page(page)
    return events, pages
