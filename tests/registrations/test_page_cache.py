"""A registration does not empty the page cache of the whole site (moisinno/pagecache.py,
`public_counts_changed`): the event's own page shows the new count on the next request; the
lists that show its card follow within `PAGE_CACHE_LIST_DELAY` plus one background render when
the card's words change (« 3 places restantes », full), and stay cached otherwise; other
events' pages stay cached; nothing that the public-content version keys (the exports' and
menus' values) moves."""

import datetime
import time

import pytest
from django.test import Client

from events.enums import RegistrationMode
from events.models import EventSession
from moisinno.background_renders import background_renders_wait
from moisinno.models import PublicContentVersion
from moisinno.pagecache import version_cached
from registrations import services
from tests.factories import EditionFactory, EventFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def get(url):
    response = Client().get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response["X-Cache"], body.decode().replace("\u00a0", " ")


def prime(*urls):
    for url in urls:
        get(url)
        assert get(url)[0] == "hit", url


def confirm(event, index):
    registrant = services.registrant_register(
        event=event,
        sessions=list(event.sessions.all()),
        name=f"Personne {index}",
        email=f"personne.{index}@example.fr",
        kind="agent",
    )
    services.registrant_confirm(registrant=registrant)


@pytest.fixture
def world(redis_pages):
    edition = EditionFactory(year=datetime.date.today().year + 1)
    event = EventFactory(
        edition=edition,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier « Faire simple »",
    )
    EventSession.objects.filter(event=event).update(capacity=3, waiting_list=True)
    other = EventFactory(edition=edition, published=True, title="Autre atelier")
    return {"event": event, "other": other, "page": event.get_absolute_url()}


def test_a_confirmation_shows_on_the_event_page_at_once_and_leaves_the_lists_cached(
    world, settings
):
    settings.PAGE_CACHE_LIST_DELAY = 30
    event, other = world["event"], world["other"]
    prime(world["page"], other.get_absolute_url(), "/programme/", "/programme.json")
    assert "3 places restantes" in get(world["page"])[1]
    menus = version_cached("probe:menus", lambda: "before")
    version = PublicContentVersion.objects.get(pk=1).value

    confirm(event, 1)

    state, html = get(world["page"])
    assert state == "miss" and "2 places restantes" in html
    assert get(world["page"])[0] == "hit"
    assert get(other.get_absolute_url())[0] == "hit"
    assert get("/programme/")[0] == "hit"
    assert get("/programme.json")[0] == "hit"
    # No global version: what it keys is kept (menus, counts, exports' values).
    assert version_cached("probe:menus", lambda: "after") == menus == "before"
    assert PublicContentVersion.objects.get(pk=1).value == version


def test_when_the_session_fills_up_the_lists_follow_within_the_delay(world, settings):
    # Long enough for a loaded machine to confirm within it (SQLite, e-mails rendered).
    settings.PAGE_CACHE_LIST_DELAY = 4
    event, other = world["event"], world["other"]
    confirm(event, 1)
    confirm(event, 2)
    prime("/programme/", "/programme/?places_disponibles=1", other.get_absolute_url())
    # Each copy's delay runs from its own render: once they are all made, not before (a loaded
    # machine took more than the 0.2 s margin between the first list's render and the second's).
    primed = time.monotonic()
    state, html = get("/programme/")
    assert "Places disponibles" in html and "Complet — liste d’attente ouverte" not in html

    confirm(event, 3)  # the last seat: the session's state changes (waiting list)

    state, html = get("/programme/")
    assert state == "hit" and "Complet — liste d’attente ouverte" not in html  # within the delay
    time.sleep(max(0, primed + 4.2 - time.monotonic()))
    # The delay past: the last copy at once, the lists rendered again in the background.
    assert get("/programme/")[0] == "stale"
    assert get("/programme/?places_disponibles=1")[0] == "stale"
    assert background_renders_wait(timeout=10)
    state, html = get("/programme/")
    assert state == "hit" and "Complet — liste d’attente ouverte" in html
    state, html = get("/programme/?places_disponibles=1")
    assert state == "hit" and "Atelier « Faire simple »" not in html
    state, html = get(world["page"])
    assert state == "miss" and "Complet — liste d’attente ouverte</p>" in html  # nobody yet
    assert "S’inscrire" in html  # the waiting list still takes registrations
    # The other event's page does not list it: still cached.
    assert get(other.get_absolute_url())[0] == "hit"


def test_a_registration_reaches_the_cards_of_the_lists_within_the_delay(world, settings):
    settings.PAGE_CACHE_LIST_DELAY = 2
    event = world["event"]
    primed = time.monotonic()
    prime("/programme/")
    assert "3 places restantes" in get("/programme/")[1]

    confirm(event, 1)  # 3 → 2 seats: still open

    state, html = get("/programme/")
    assert state == "hit" and "3 places restantes" in html  # within the delay
    time.sleep(max(0, primed + 2.2 - time.monotonic()))
    state, html = get("/programme/")
    assert state == "stale" and "3 places restantes" in html
    assert background_renders_wait(timeout=10)
    state, html = get("/programme/")
    assert state == "hit" and "2 places restantes" in html
    state, html = get(world["page"])
    assert state == "miss" and "2 places restantes" in html


def test_a_registration_that_leaves_the_cards_words_alone_leaves_the_lists_cached(world, settings):
    settings.PAGE_CACHE_LIST_DELAY = 1
    event = world["event"]
    EventSession.objects.filter(event=event).update(capacity=50)
    primed = time.monotonic()
    prime("/programme/")

    confirm(event, 1)  # 50 → 49 seats: the card still says « Places disponibles »
    time.sleep(max(0, primed + 1.2 - time.monotonic()))

    state, html = get("/programme/")
    assert state == "hit" and "Places disponibles" in html
    state, html = get(world["page"])
    assert state == "miss" and "49 places restantes" in html
