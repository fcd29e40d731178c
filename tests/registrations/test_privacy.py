"""No public page, feed, export or API response ever shows a registrant's name, address,
organisation or needs, nor the private link of an online session: each is fetched
anonymously and searched for them."""

import subprocess

import pytest
from django.urls import reverse

from events.enums import AttendanceMode
from events.models import EventSession
from registrations import services

NAME = "Zoé Confidentielle-Marchetti"
EMAIL = "zoe.confidentielle@example.fr"
ORGANISATION = "Cabinet Très Discret"
NEEDS = "Interprète LSF réservé"
PRIVATE_LINK = "https://visio.example.gouv.fr/salle-privee-7f3a9"
SECRETS = (NAME, EMAIL, ORGANISATION, NEEDS, PRIVATE_LINK, "salle-privee-7f3a9")


@pytest.fixture
def registered(platform_event):
    """Two sessions, one of them online with a private link; someone confirmed on each, and
    someone waiting."""
    in_person = platform_event.sessions.get()
    EventSession.objects.filter(pk=in_person.pk).update(capacity=1)
    online = EventSession.objects.create(
        event=platform_event,
        date=in_person.date,
        start_time=in_person.end_time,
        attendance_mode=AttendanceMode.ONLINE,
        online_url=PRIVATE_LINK,
        online_url_public=False,
        capacity=10,
    )
    for index in range(2):
        registrant = services.registrant_register(
            event=platform_event,
            sessions=[in_person, online],
            name=NAME if index == 0 else f"{NAME} bis",
            email=EMAIL if index == 0 else f"bis.{EMAIL}",
            kind="agent",
            organization_name=ORGANISATION,
            accessibility_needs=NEEDS,
            accessibility_consent=True,
        )
        services.registrant_confirm(registrant=registrant)
    return platform_event


def public_urls(event) -> list[str]:
    slug = event.slug
    year = event.edition.year
    return [
        reverse("home"),
        reverse("events:programme"),
        reverse("events:programme") + "?q=Faire",
        reverse("events:calendar"),
        event.get_absolute_url(),
        reverse("events:ics", args=[slug]),
        reverse("events:edition", args=[year]),
        reverse("events:organization", args=[event.organization.slug]),
        reverse("registrations:register", args=[slug]),
        reverse("sitemap"),
        reverse("feeds:ics"),
        reverse("feeds:csv"),
        reverse("feeds:json"),
        reverse("feeds:geojson"),
        reverse("feeds:atom"),
        reverse("api:events"),
        reverse("api:event", args=[slug]),
        reverse("api:sessions"),
        reverse("figures"),
        reverse("figures_json"),
        reverse("embed_programme"),
    ]


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return subprocess.run(
            ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
        ).stdout.decode()
    return body.decode()


def test_no_public_response_shows_a_registrant_or_a_private_link(client, registered):
    checked = 0
    for url in public_urls(registered):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = text_of(response)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in {url}"
        checked += 1
    poster = client.get(reverse("events:poster", args=[registered.slug, "a4"]))
    assert poster.status_code == 200
    assert not any(secret in text_of(poster) for secret in SECRETS)
    assert checked == len(public_urls(registered))
