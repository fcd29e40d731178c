"""What the tests of the programme's feeds, exports and API share: a varied programme, the
selections to compare with the HTML listing, hostile parameters, a bulk programme."""

import datetime
import re

import pytest
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus
from events.models import Event, EventSession
from events.search import events_refresh_search
from organizers.enums import OrganizationKind
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
)

NOV = datetime.date(2022, 11, 1)
SITE = "http://127.0.0.1:8000"


def publish(edition, days_ago: int = 1, **kwargs) -> Event:
    published_at = timezone.now() - datetime.timedelta(days=days_ago)
    return EventFactory(edition=edition, published=True, published_at=published_at, **kwargs)


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def html_slugs(client, url: str) -> set[str]:
    """The events the HTML programme lists for `url` (every page), by their slugs."""
    slugs: set[str] = set()
    page = 1
    while True:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}")
        assert response.status_code == 200
        slugs |= set(re.findall(r'href="/evenements/([^/"]+)/"', response.content.decode()))
        if page >= response.context["page_obj"].paginator.num_pages:
            return slugs
        page += 1


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def programme(edition):
    """A varied programme: regions, formats, modes, a lab, a theme, a derogation, a
    cancelled event, and events that are not public."""
    webinaire = FormatFactory(name="Webinaire", slug="webinaire")
    usagers = ThemeFactory(name="Expérience usager", slug="experience-usager")
    lab = LabFactory(name="La Fabrique", slug="la-fabrique")
    commune = OrganizationFactory(
        name="Ville de Lyon", slug="ville-de-lyon", kind=OrganizationKind.LOCAL_AUTHORITY
    )
    events = {
        "rennes": publish(edition, title="Atelier à Rennes", slug="atelier-rennes"),
        "lyon": publish(
            edition,
            title="Forum à Lyon",
            slug="forum-lyon",
            organization=commune,
            city="Lyon",
            department="69",
            region="84",
            days_ago=3,
        ),
        "webinaire": publish(
            edition,
            title="Webinaire données",
            slug="webinaire-donnees",
            format=webinaire,
            online=True,
            days_ago=2,
        ),
        "annule": publish(
            edition, title="Atelier annulé", slug="atelier-annule", status=EventStatus.CANCELLED
        ),
        "derogation": publish(
            edition,
            title="Rencontre de décembre",
            slug="rencontre-decembre",
            starts_on=datetime.date(2022, 12, 6),
        ),
    }
    events["rennes"].labs.add(lab)
    events["webinaire"].themes.add(usagers)
    for status in [EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.REJECTED]:
        EventFactory(edition=edition, status=status, title=f"Secret {status}", slug=f"s-{status}")
    past = EditionFactory(year=2021, number=5, is_current=False)
    events["passe"] = publish(past, title="Édition 2021", slug="edition-2021")
    events_refresh_search()
    return events


SELECTIONS = [
    "",
    "region=53",
    "format=webinaire",
    "mode=online&mode=hybrid",
    "avec_lab=1",
    "theme=experience-usager",
    "organisateur=local_authority",
    "q=atelier",
    "hors_dates=1",
    "du=2022-11-01&au=2022-11-10",
]


HOSTILE = [
    "region=zz",
    "du=pas-une-date",
    "format=inconnu",
    "du=2022-11-20&au=2022-11-01",
    "q=" + "x" * 500,
    "organisation=%27%3B%20DROP%20TABLE",
]


def bulk_programme(edition, count: int) -> None:
    organization = OrganizationFactory()
    lab = LabFactory()
    theme = ThemeFactory()
    fmt = FormatFactory(name="Conférence", slug="conference")
    events = Event.objects.bulk_create(
        Event(
            edition=edition,
            organization=organization,
            format=fmt,
            title=f"Événement {n}",
            slug=f"evenement-{n}",
            attendance_mode=AttendanceMode.IN_PERSON,
            region="53",
            department="35",
            city="Rennes",
            status=EventStatus.PUBLISHED,
            published_at=timezone.now(),
            starts_on=NOV.replace(day=10),
            ends_on=NOV.replace(day=10),
        )
        for n in range(count)
    )
    EventSession.objects.bulk_create(
        EventSession(event=e, date=NOV.replace(day=10), start_time=datetime.time(10))
        for e in events
    )
    Event.labs.through.objects.bulk_create(Event.labs.through(event=e, lab=lab) for e in events)
    Event.themes.through.objects.bulk_create(
        Event.themes.through(event=e, theme=theme) for e in events
    )
