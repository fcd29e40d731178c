"""« Mon programme »: starred events in a signed cookie, their page, calendar and share link."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.enums import EventStatus
from events.models import EventSession
from programme.starred import COOKIE_NAME, MAX_STARRED, store_starred
from tests.factories import EventFactory, LabFactory

pytestmark = pytest.mark.django_db


def publish(edition, **kwargs):
    return EventFactory(edition=edition, published=True, **kwargs)


def star(client, event, next_url="/programme/"):
    return client.post(f"/mon-programme/ajouter/{event.slug}/", {"next": next_url})


def cookie_for(ids) -> str:
    """The cookie value the site itself writes for `ids`."""
    response = HttpResponse()
    store_starred(RequestFactory().get("/"), response, ids)
    return response.cookies[COOKIE_NAME].value


def test_empty_programme_says_so_and_links_to_the_programme(client, edition):
    response = client.get("/mon-programme/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre programme est vide" in html
    assert 'href="/programme/"' in html
    assert "mon-programme.ics" not in html


def test_starring_from_the_programme_comes_back_and_lists_the_event(client, edition):
    event = publish(edition, title="Atelier des usagers")
    programme = client.get("/programme/").content.decode()
    assert f'action="/mon-programme/ajouter/{event.slug}/"' in programme
    assert "Ajouter à mon programme" in programme

    response = star(client, event, next_url="/programme/?region=53")

    assert response.status_code == 302
    assert response["Location"] == "/programme/?region=53"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    programme = client.get("/programme/").content.decode()
    assert f'action="/mon-programme/retirer/{event.slug}/"' in programme
    assert "Retirer de mon programme" in programme
    mine = client.get("/mon-programme/").content.decode()
    assert "Atelier des usagers" in mine
    assert "1 événement" in mine


class _Ancestors(HTMLParser):
    """The classes of the elements around the element whose id is `target`, outermost first."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, target: str):
        super().__init__()
        self.target, self.stack, self.found = target, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == self.target and self.found is None:
            self.found = [classes for _, classes in self.stack]
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("class") or ""))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


def ancestor_classes(page: str, element_id: str) -> list[str]:
    parser = _Ancestors(element_id)
    parser.feed(page)
    assert parser.found is not None, f"no #{element_id}"
    return parser.found


@pytest.mark.parametrize("url", ["/programme/", "/mon-programme/"])
def test_a_cards_button_is_in_its_footer_inside_the_card(client, edition, settings, url):
    """Out of the card, the button followed it in the grid cell: the next row's card, whose
    enlarged link covers it, sat over its lower half (docs/conventions.md, « Cards »)."""
    settings.PAGE_CACHE_ENABLED = False  # the cards are kept, not the page
    event = publish(edition, title="Atelier des usagers")
    client.get(url)  # renders and keeps the card, the same for every visitor
    star(client, event, next_url=url)

    page = client.get(url).content.decode()

    around = ancestor_classes(page, f"etoile-{event.slug}")
    assert around[-1] == "fr-card__footer"
    assert around[-2] == "fr-card__body"
    assert "fr-card fr-enlarge-link" in around[-3]
    # The card kept for everyone carries this visitor's own button.
    assert f'action="/mon-programme/retirer/{event.slug}/"' in page


def test_the_event_page_has_the_button_too(client, edition):
    event = publish(edition)
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'action="/mon-programme/ajouter/{event.slug}/"' in page

    star(client, event, next_url=event.get_absolute_url())

    page = client.get(event.get_absolute_url()).content.decode()
    assert f'action="/mon-programme/retirer/{event.slug}/"' in page


def test_removing_an_event(client, edition):
    kept, removed = publish(edition, title="Gardé"), publish(edition, title="Retiré")
    star(client, kept)
    star(client, removed)

    response = client.post(f"/mon-programme/retirer/{removed.slug}/", {"next": "/mon-programme/"})

    assert response["Location"] == "/mon-programme/"
    mine = client.get("/mon-programme/").content.decode()
    assert "Gardé" in mine and "Retiré" not in mine


def test_removing_the_last_event_deletes_the_cookie(client, edition):
    event = publish(edition)
    star(client, event)

    response = client.post(f"/mon-programme/retirer/{event.slug}/")

    assert response.cookies[COOKIE_NAME].value == ""
    assert "Votre programme est vide" in client.get("/mon-programme/").content.decode()


def test_starring_needs_a_post(edition):
    event = publish(edition)
    client = Client(enforce_csrf_checks=True)

    assert client.get(f"/mon-programme/ajouter/{event.slug}/").status_code == 405
    assert COOKIE_NAME not in client.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://pirate.example"},
    ],
)
@pytest.mark.parametrize("action", ["ajouter", "retirer"])
def test_another_site_cannot_star_or_unstar_for_a_visitor(edition, headers, action):
    event = publish(edition)
    client = Client(enforce_csrf_checks=True)
    client.cookies[COOKIE_NAME] = cookie_for([event.pk])

    response = client.post(f"/mon-programme/{action}/{event.slug}/", headers=headers)

    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}],
)
def test_our_own_pages_star_without_a_csrf_token(edition, headers):
    """The star forms sit on cached pages, which carry no CSRF token."""
    event = publish(edition)
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/mon-programme/ajouter/{event.slug}/", headers=headers)

    assert response.status_code == 302
    assert response.cookies[COOKIE_NAME].value


@pytest.mark.parametrize(
    "next_url", ["https://pirate.example/", "//pirate.example/programme/", "javascript:alert(1)"]
)
def test_next_must_be_a_page_of_the_site(client, edition, next_url):
    event = publish(edition)

    response = star(client, event, next_url=next_url)

    assert response["Location"] == event.get_absolute_url()


def test_only_public_events_can_be_starred(client, edition):
    draft = EventFactory(edition=edition, status=EventStatus.SUBMITTED)

    response = star(client, draft)

    assert response.status_code == 404
    assert COOKIE_NAME not in response.cookies


def test_an_event_that_is_no_longer_public_disappears(client, edition):
    shown, hidden = publish(edition, title="Toujours là"), publish(edition, title="Dépublié")
    cancelled = publish(edition, title="Annulé mais public", status=EventStatus.CANCELLED)
    for event in (shown, hidden, cancelled):
        star(client, event)

    hidden.status = EventStatus.CHANGES_REQUESTED
    hidden.save()

    mine = client.get("/mon-programme/").content.decode()
    assert "Toujours là" in mine and "Annulé mais public" in mine
    assert "Dépublié" not in mine
    calendar = Calendar.from_ical(client.get("/mon-programme.ics").content)
    summaries = [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")]
    assert not any("Dépublié" in summary for summary in summaries)


@pytest.mark.parametrize(
    "value",
    [
        "n'importe quoi",
        "1.2.3",  # unsigned
        "1.2.3:forged-signature",
        "",
        "é" * 5000,
    ],
)
def test_a_tampered_cookie_reads_as_an_empty_programme(client, edition, value):
    publish(edition)
    client.cookies[COOKIE_NAME] = value

    for url in ("/mon-programme/", "/programme/", "/mon-programme.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Votre programme est vide" in client.get("/mon-programme/").content.decode()


def test_a_cookie_whose_signature_was_changed_is_ignored(client, edition):
    event = publish(edition, title="Atelier signé")
    valid = cookie_for([event.pk])
    client.cookies[COOKIE_NAME] = valid[:-2] + ("aa" if not valid.endswith("aa") else "bb")

    assert "Atelier signé" not in client.get("/mon-programme/").content.decode()
    client.cookies[COOKIE_NAME] = valid
    assert "Atelier signé" in client.get("/mon-programme/").content.decode()


def test_a_full_programme_refuses_one_more_with_a_message(client, edition):
    event = publish(edition)
    client.cookies[COOKIE_NAME] = cookie_for(list(range(100_000, 100_000 + MAX_STARRED)))

    response = star(client, event)

    assert response["Location"] == "/mon-programme/?complet=1"
    assert COOKIE_NAME not in response.cookies
    page = client.get(response["Location"]).content.decode()
    assert "Votre programme est complet" in page


def _share_path(client) -> str:
    html = client.get("/mon-programme/").content.decode()
    match = re.search(r'href="https?://[^/"]+(/mon-programme/partage/[^"]+/)"', html)
    assert match, "no share link on /mon-programme/"
    return match.group(1)


def test_share_link_round_trip(client, edition):
    first, second = publish(edition, title="Premier atelier"), publish(edition, title="Second")
    star(client, first)
    star(client, second)
    path = _share_path(client)

    friend = Client()
    shared = friend.get(path)
    assert shared.status_code == 200
    html = shared.content.decode()
    assert "Premier atelier" in html and "Second" in html
    assert "Importer dans mon programme (2 événements)" in html
    assert "Votre programme est vide" in friend.get("/mon-programme/").content.decode()

    response = friend.post(path + "importer/")

    assert response["Location"] == "/mon-programme/"
    mine = friend.get("/mon-programme/").content.decode()
    assert "Premier atelier" in mine and "Second" in mine
    assert "déjà tous dans" in friend.get(path).content.decode()


def test_import_adds_to_the_visitors_own_programme(client, edition):
    shared_event, own = publish(edition, title="Partagé"), publish(edition, title="Le mien")
    star(client, shared_event)
    path = _share_path(client)
    friend = Client()
    star(friend, own)

    friend.post(path + "importer/")

    mine = friend.get("/mon-programme/").content.decode()
    assert "Partagé" in mine and "Le mien" in mine


@pytest.mark.parametrize("change", [lambda t: t[:-3] + "xyz", lambda t: "1.2" + t, lambda t: "abc"])
def test_a_tampered_share_link_is_a_clear_404(client, edition, change):
    event = publish(edition)
    star(client, event)
    token = _share_path(client).split("/")[-2]

    response = client.get(f"/mon-programme/partage/{change(token)}/")

    assert response.status_code == 404
    assert "Lien de partage non valide" in response.content.decode()
    assert client.post(f"/mon-programme/partage/{change(token)}/importer/").status_code == 404


def test_ics_has_one_vevent_per_session_with_absolute_urls(client, edition, settings):
    settings.SITE_URL = "https://moisinno.example.gouv.fr"
    two = publish(edition, title="Deux séances")
    EventSession.objects.create(
        event=two,
        date=two.starts_on + datetime.timedelta(days=2),
        start_time=datetime.time(14),
        end_time=datetime.time(16, 30),
    )
    one = publish(edition, title="Une séance", online=True)
    publish(edition, title="Pas retenu")
    star(client, two)
    star(client, one)

    response = client.get("/mon-programme.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mon-programme.ics"'
    calendar = Calendar.from_ical(response.content)
    assert "Mon programme" in str(calendar["X-WR-CALNAME"])
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 3
    assert {str(v["URL"]) for v in vevents} == {
        f"https://moisinno.example.gouv.fr{two.get_absolute_url()}",
        f"https://moisinno.example.gouv.fr{one.get_absolute_url()}",
    }
    assert len({str(v["UID"]) for v in vevents}) == 3
    for vevent in vevents:
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert "DTSTAMP" in vevent


def _rich_event(edition, n):
    event = publish(edition, title=f"Atelier {n}")
    event.labs.add(LabFactory())
    EventSession.objects.create(event=event, date=event.starts_on + datetime.timedelta(days=1))
    return event


@pytest.mark.parametrize("url", ["/mon-programme/", "/mon-programme.ics", "/programme/"])
def test_as_many_queries_for_1_and_20_starred_events(client, edition, url):
    events = [_rich_event(edition, 0)]
    client.cookies[COOKIE_NAME] = cookie_for([e.pk for e in events])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    events += [_rich_event(edition, n) for n in range(1, 20)]
    client.cookies[COOKIE_NAME] = cookie_for([e.pk for e in events])
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)

    assert response.status_code == 200
    if url != "/mon-programme.ics":
        assert response.content.decode().count("Retirer de mon programme") == 20
    assert len(twenty) == len(one)
