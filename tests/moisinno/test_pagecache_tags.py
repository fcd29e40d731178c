"""With Redis, the page cache forgets only what a change touches (moisinno/pagecache.py): the
changed event's own page on the next request, the lists that show it within
`PAGE_CACHE_LIST_DELAY` seconds plus one background render, and nothing else; an out-of-date page
is rendered by one request (a list: by the process's background thread) while the others get its
last copy."""

import logging
import threading
import time

import pytest
import redis
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import path

from events.enums import EventStatus
from moisinno.background_renders import background_renders_wait
from moisinno.pagecache import (
    EVENTS,
    public_content_changed,
    public_page,
)
from tests.factories import EditionFactory, EventFactory, LabFactory, OrganizationFactory
from tests.parallel import worker_redis_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def get(url, client=None):
    response = (client or Client()).get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response["X-Cache"], body.decode()


def prime(*urls):
    for url in urls:
        get(url)
        assert get(url)[0] == "hit", url


@pytest.fixture
def world(redis_pages):
    """Two organisations' events in one edition, a lab, and an event shown as related."""
    edition = EditionFactory()
    lab = LabFactory()
    ours, theirs = OrganizationFactory(name="Préfecture d’Ille"), OrganizationFactory()
    edited = EventFactory(edition=edition, organization=ours, published=True, title="Atelier A")
    edited.labs.add(lab)
    related = EventFactory(edition=edition, published=True, title="Atelier voisin")
    related.labs.add(lab)
    other = EventFactory(edition=edition, organization=theirs, published=True, title="Autre")
    return {
        "edition": edition,
        "edited": edited,
        "related": related,
        "other": other,
        "our page": f"/organisateurs/{ours.slug}/",
        "their page": f"/organisateurs/{theirs.slug}/",
        "lab page": f"/labs/{lab.slug}/",
    }


def rename(event, title):
    event.title = title
    event.save()


def test_an_edit_shows_on_its_page_at_once_and_leaves_other_events_pages_cached(world, settings):
    settings.PAGE_CACHE_LIST_DELAY = 30
    edited, other = world["edited"], world["other"]
    prime(edited.get_absolute_url(), other.get_absolute_url(), world["their page"], "/programme/")

    rename(edited, "Atelier A, nouvelle version")

    state, html = get(edited.get_absolute_url())
    assert state == "miss" and "Atelier A, nouvelle version" in html
    assert get(other.get_absolute_url())[0] == "hit"
    assert get(world["their page"])[0] == "hit"
    # The programme may show the old title for PAGE_CACHE_LIST_DELAY seconds.
    state, html = get("/programme/")
    assert state == "hit" and "Atelier A, nouvelle version" not in html


def test_the_lists_that_show_an_edited_event_follow_within_the_delay(world, settings):
    settings.PAGE_CACHE_LIST_DELAY = 1
    edited, related = world["edited"], world["related"]
    lists = ["/programme/", world["our page"], world["lab page"], related.get_absolute_url()]
    prime(*lists, world["their page"], world["other"].get_absolute_url())

    rename(edited, "Atelier A, nouvelle version")
    time.sleep(1.1)

    # The delay past, the next visitor gets the last copy at once; the list is rendered again in
    # the background, and then shows the change.
    for url in lists:
        state, html = get(url)
        assert state == "stale" and "Atelier A, nouvelle version" not in html, url
    assert background_renders_wait(timeout=20)
    for url in lists:
        state, html = get(url)
        assert state == "hit" and "Atelier A, nouvelle version" in html, url
    # Pages that do not show it stay as they were, the delay past.
    assert get(world["their page"])[0] == "hit"
    assert get(world["other"].get_absolute_url())[0] == "hit"


def test_an_unpublished_event_leaves_its_page_at_once_and_the_lists_within_the_delay(
    world, settings
):
    settings.PAGE_CACHE_LIST_DELAY = 1
    edited = world["edited"]
    prime(edited.get_absolute_url(), "/programme/")

    edited.status = EventStatus.DRAFT
    edited.save()

    assert Client().get(edited.get_absolute_url()).status_code == 404
    time.sleep(1.1)
    assert get("/programme/")[0] == "stale"
    assert background_renders_wait(timeout=10)
    state, html = get("/programme/")
    assert state == "hit" and "Atelier A" not in html


def test_an_organisation_edit_shows_on_its_events_pages_and_not_on_others(world):
    edited, other = world["edited"], world["other"]
    prime(edited.get_absolute_url(), other.get_absolute_url(), world["our page"])

    organization = edited.organization
    organization.description = "Une préfecture qui innove."
    organization.save()

    assert get(world["our page"])[0] == "miss"
    assert get(edited.get_absolute_url())[0] == "miss"
    assert get(other.get_absolute_url())[0] == "hit"


def test_a_lab_renamed_is_renamed_everywhere_at_once(world):
    """A name may appear on any page (co-organisers, hosts): everything is rendered again."""
    prime(world["other"].get_absolute_url(), world["lab page"])
    lab = world["edited"].labs.get()

    lab.name = "Lab renommé"
    lab.save()

    assert get(world["other"].get_absolute_url())[0] == "miss"
    state, html = get(world["lab page"])
    assert state == "miss" and "Lab renommé" in html


def test_a_page_rendered_less_than_the_clock_skew_after_a_change_is_rendered_again(world, settings):
    """Another web node's clock may be behind: its render may have begun before the change."""
    settings.PAGE_CACHE_CLOCK_SKEW = 1
    page = world["edited"].get_absolute_url()
    rename(world["edited"], "Atelier A, corrigé")
    assert get(page)[0] == "miss"
    assert get(page)[0] == "miss"  # began less than a second after the change

    time.sleep(1.1)
    assert get(page)[0] == "miss"
    assert get(page)[0] == "hit"


# Single flight: one request renders an out-of-date page, the others get its last copy ----------

renders = {"count": 0}
gate = threading.Event()
rendering = threading.Event()


@public_page
def slow_page(request):
    renders["count"] += 1
    if renders["count"] > 1:  # the second render waits until the test lets it go
        rendering.set()
        gate.wait(timeout=10)
    return HttpResponse(f"rendu n° {renders['count']}")


# Lists rendered again in the background ------------------------------------------------------

listed = {"renders": 0, "fail": None}
listed_gate = threading.Event()
listed_rendering = threading.Event()


@public_page
def listing_page(request):
    """A page that lists events (the default tags): its second render waits for the test; it
    says which cookies it saw, and fails as the test asks."""
    listed["renders"] += 1
    if listed["renders"] > 1:
        listed_rendering.set()
        listed_gate.wait(timeout=5)
    body = f"liste n° {listed['renders']}, cookies : {','.join(sorted(request.COOKIES))}"
    if listed["fail"] == "view":
        raise RuntimeError("la liste ne se rend pas")
    if listed["fail"] == "stream":

        def chunks():
            yield body.encode()
            raise RuntimeError("la liste s’interrompt")

        return StreamingHttpResponse(chunks())
    return HttpResponse(body)


def server_error(request):
    return HttpResponse("Erreur", status=500)


urlpatterns = [path("lente/", slow_page), path("liste/", listing_page)]
# The site's 500 page links to pages this URLconf does not have.
handler500 = server_error


@pytest.fixture
def listing(redis_pages, settings):
    settings.PAGE_CACHE_LIST_DELAY = 0
    listed.update(renders=0, fail=None)
    listed_rendering.clear()
    listed_gate.set()  # only a test that holds the render back clears it
    assert get("/liste/") == ("miss", "liste n° 1, cookies : ")
    yield
    listed_gate.set()
    assert background_renders_wait(timeout=10)


def render_claims():
    return redis_keys("*:render")


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
def test_a_stale_list_is_served_at_once_and_rendered_once_in_the_background(listing):
    listed_gate.clear()
    public_content_changed(EVENTS)  # what it lists changed (outside a transaction: at once)

    # The request that claims the render does not wait for it: the render is held back.
    assert get("/liste/") == ("stale", "liste n° 1, cookies : ")
    assert listed_rendering.wait(timeout=10)
    assert [get("/liste/") for _ in range(3)] == [("stale", "liste n° 1, cookies : ")] * 3
    assert listed["renders"] == 2

    listed_gate.set()
    assert background_renders_wait(timeout=10)
    assert get("/liste/") == ("hit", "liste n° 2, cookies : ")
    assert listed["renders"] == 2
    assert render_claims() == []


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
def test_a_stale_list_is_rendered_in_the_request_without_background_renders(listing, settings):
    settings.PAGE_CACHE_BACKGROUND_RENDER = False
    public_content_changed(EVENTS)

    assert get("/liste/") == ("miss", "liste n° 2, cookies : ")
    assert get("/liste/") == ("hit", "liste n° 2, cookies : ")


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
def test_a_page_whose_own_tags_changed_is_rendered_in_the_request(listing):
    public_content_changed()  # `all`: exact for every page

    assert get("/liste/") == ("miss", "liste n° 2, cookies : ")
    assert listed["renders"] == 2


def test_the_changed_events_own_page_is_rendered_in_the_request_the_lists_in_the_background(
    world, settings
):
    settings.PAGE_CACHE_LIST_DELAY = 0
    edited, related = world["edited"], world["related"]
    prime(edited.get_absolute_url(), related.get_absolute_url())

    rename(edited, "Atelier A, nouvelle version")

    state, html = get(edited.get_absolute_url())
    assert state == "miss" and "Atelier A, nouvelle version" in html
    state, html = get(related.get_absolute_url())  # shows it among the related events
    assert state == "stale" and "Atelier A, nouvelle version" not in html
    assert background_renders_wait(timeout=10)
    state, html = get(related.get_absolute_url())
    assert state == "hit" and "Atelier A, nouvelle version" in html


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
@pytest.mark.parametrize(
    ("fail", "logger", "then"),
    [
        # The view fails: Django answers 500 and logs it; the last copy is forgotten.
        ("view", "django.request", "miss"),
        # The page fails as it streams: logged, the last copy kept until a render succeeds.
        ("stream", "moisinno.pagecache", "stale"),
    ],
)
def test_a_background_render_that_fails_is_logged_and_releases_its_claim(
    listing, caplog, fail, logger, then
):
    listed["fail"] = fail
    public_content_changed(EVENTS)

    with caplog.at_level(logging.ERROR):
        # The failure is the thread's: the visitor's request never sees it.
        assert get("/liste/", Client(raise_request_exception=False))[0] == "stale"
        assert background_renders_wait(timeout=10)
    assert [record.name for record in caplog.records if record.levelno >= logging.ERROR] == [logger]
    assert render_claims() == []

    listed["fail"] = None
    state, html = get("/liste/")
    assert state == then
    assert background_renders_wait(timeout=10)
    assert get("/liste/") == ("hit", f"liste n° {listed['renders']}, cookies : ")
    assert listed["renders"] == 3


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
def test_a_background_render_keeps_the_anonymous_page_whatever_the_visitors_cookies(listing):
    public_content_changed(EVENTS)
    visitor = Client()
    visitor.cookies["csrftoken"] = "a" * 32
    visitor.cookies["preference"] = "sombre"

    assert get("/liste/", visitor) == ("stale", "liste n° 1, cookies : ")
    assert background_renders_wait(timeout=10)

    # Stored (a hit), and rendered for nobody in particular.
    assert get("/liste/") == ("hit", "liste n° 2, cookies : ")
    assert get("/liste/", visitor) == ("hit", "liste n° 2, cookies : ")


@pytest.mark.urls("tests.moisinno.test_pagecache_tags")
def test_while_one_request_renders_an_out_of_date_page_the_others_get_its_last_copy(
    redis_pages, settings
):
    settings.PAGE_CACHE_LIST_DELAY = 0
    renders["count"] = 0
    gate.clear()
    rendering.clear()
    assert get("/lente/") == ("miss", "rendu n° 1")
    public_content_changed()  # everything is out of date (outside a transaction: at once)

    renderer = threading.Thread(target=lambda: get("/lente/"))
    renderer.start()
    assert rendering.wait(timeout=10)
    try:
        # Three visitors while the page is being rendered: its last copy, no other render.
        assert [get("/lente/") for _ in range(3)] == [("stale", "rendu n° 1")] * 3
        assert renders["count"] == 2
    finally:
        gate.set()
        renderer.join(timeout=10)
    assert get("/lente/") == ("hit", "rendu n° 2")


def test_the_last_copy_of_a_withdrawn_event_is_never_served_again(world, settings):
    """While a page is rendered again, the others get its last copy: not when the render
    finds the event gone."""
    edited = world["edited"]
    prime(edited.get_absolute_url())
    edited.status = EventStatus.DRAFT
    edited.save()

    assert Client().get(edited.get_absolute_url()).status_code == 404

    stored = redis_keys("*page:*")
    assert stored == [], stored


def redis_keys(pattern):
    return redis.Redis.from_url(worker_redis_url()).keys(pattern)


def card_keys():
    return {key.decode() for key in redis_keys("*card3:*")}


def test_after_an_edit_a_list_renders_the_changed_events_card_alone(world, settings):
    """The cards are kept by event: a list rendered again after an edit renders one card."""
    settings.PAGE_CACHE_LIST_DELAY = 0
    edited = world["edited"]
    get("/programme/")
    kept = card_keys()
    assert len(kept) == 3

    rename(edited, "Atelier A, nouvelle version")
    assert get("/programme/")[0] == "stale"
    assert background_renders_wait(timeout=10)
    state, html = get("/programme/")

    assert state == "hit" and "Atelier A, nouvelle version" in html
    added = card_keys() - kept
    assert len(added) == 1 and f"card3:h3:{edited.pk}:" in added.pop()
