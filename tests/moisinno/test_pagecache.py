"""The shared page cache of anonymous public pages (moisinno/pagecache.py): what is kept, for
whom, and that every change a visitor could see is on the very next request."""

import gzip

import pytest
import redis
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils.html import escape

from demo.generation import programme_generate
from events.editing import event_update
from events.enums import EventStatus
from events.models import Edition, Event
from events.services import edition_make_current, event_transition
from moisinno.background_renders import background_renders_wait
from moisinno.pagecache import (
    public_content_batch,
    public_content_changed,
    public_content_version,
    public_page,
)
from programme.starred import COOKIE_NAME, store_starred
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    MembershipFactory,
    OrganizationFactory,
    ThemeFactory,
)
from tests.parallel import worker_redis_url

pytestmark = pytest.mark.django_db


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def publish(edition, **kwargs):
    return EventFactory(edition=edition, published=True, **kwargs)


# What is kept, and how it is served ------------------------------------------------------------


def test_the_second_anonymous_visit_is_served_from_the_cache_with_one_query(client, edition):
    publish(edition, title="Atelier des usagers")

    first, first_html = get(client, "/programme/")
    with CaptureQueriesContext(connection) as queries:
        second, second_html = get(client, "/programme/")

    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert second_html == first_html and "Atelier des usagers" in second_html
    assert len(queries) == 1, [q["sql"] for q in queries]  # the public-content version
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/programme/",
        "/programme/calendrier/",
        "/labs/",
        "/programme.ics",
        "/programme.csv",
        "/flux.atom",
        "/api/v1/events/",
        "/api/v1/openapi.json",
        "/chiffres/",
        "/sitemap.xml",
        "/accessibilite/",
    ],
)
def test_public_pages_feeds_and_api_are_kept(client, edition, url):
    publish(edition)

    first, first_body = get(client, url)
    second, second_body = get(client, url)

    assert first.status_code == 200, url
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit"), url
    assert second_body == first_body
    assert "Cookie" in second["Vary"]


def test_the_event_lab_organisation_and_edition_pages_are_kept(client, edition):
    lab = LabFactory()
    event = publish(edition)
    event.labs.add(lab)
    past = EditionFactory(year=2019, is_current=False)
    for url in [
        event.get_absolute_url(),
        f"/evenements/{event.slug}/calendrier.ics",
        f"/labs/{lab.slug}/",
        f"/organisateurs/{event.organization.slug}/",
        f"/editions/{past.year}/",
    ]:
        assert get(client, url)[0]["X-Cache"] == "miss", url
        assert get(client, url)[0]["X-Cache"] == "hit", url


def test_a_streamed_export_still_streams_and_is_kept_once_sent(client, edition):
    publish(edition, title="Premier")
    publish(edition, title="Second")

    first = client.get("/programme.ics")
    chunks = list(first.streaming_content)
    second, body = get(client, "/programme.ics")

    assert len(chunks) > 2  # a head, a chunk per event, an end
    assert second["X-Cache"] == "hit"
    assert body == b"".join(chunks).decode()
    assert second["Content-Type"].startswith("text/calendar")
    assert second["ETag"] == first["ETag"]


def test_the_query_is_normalised_and_filters_are_part_of_the_key(client, edition):
    publish(edition, title="En Bretagne", region="53")
    publish(edition, title="En Occitanie", region="76", department="31", city="Toulouse")

    get(client, "/programme/?region=53&format=&q=")
    reordered, html = get(client, "/programme/?q=&format=&region=53")
    other, other_html = get(client, "/programme/?region=76")

    assert reordered["X-Cache"] == "hit"
    assert "En Bretagne" in html and "En Occitanie" not in html
    assert other["X-Cache"] == "miss"
    assert "En Occitanie" in other_html and "En Bretagne" not in other_html


def test_an_empty_parameter_stays_in_the_key_of_the_api(client, edition):
    publish(edition)

    assert get(client, "/api/v1/events/")[0].status_code == 200
    empty_page = client.get("/api/v1/events/?page=")

    assert empty_page.status_code == 400  # « page » must be a number
    assert empty_page["X-Cache"] == "miss"


def test_browsers_and_a_cdn_get_a_short_max_age_an_etag_and_a_304(client, edition):
    publish(edition)

    first = client.get("/programme/")
    again = client.get("/programme/", headers={"If-None-Match": first["ETag"]})
    changed = client.get("/programme/", headers={"If-None-Match": '"autre-chose"'})

    cache_control = first["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "stale-while-revalidate=300" in cache_control
    assert first["ETag"].startswith('"')
    assert again.status_code == 304 and again["X-Cache"] == "hit"
    assert changed.status_code == 200 and changed.content == first.content


def test_a_head_request_is_answered_from_the_cache(client, edition):
    publish(edition)
    get(client, "/programme/")

    response = client.head("/programme/")

    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    assert response.content == b""


def test_errors_and_redirects_are_not_kept(client, edition):
    for url in ["/evenements/inconnu/", f"/editions/{edition.year}/?region=53"]:
        first = client.get(url)
        second = client.get(url)
        assert first.status_code in (302, 404), url
        assert second["X-Cache"] == "miss", url


# Exact invalidation --------------------------------------------------------------------------


def test_a_published_edit_is_visible_on_the_very_next_request(client, edition, organizer):
    event = publish(
        edition,
        title="Titre d’origine",
        organization=organizer.memberships.get().organization,
        eligible=True,
    )
    for url in [event.get_absolute_url(), "/programme/", "/api/v1/events/", "/programme.csv"]:
        get(client, url)
        assert get(client, url)[0]["X-Cache"] == "hit"

    event_update(event=event, user=organizer, fields={"title": "Titre corrigé"})

    for url in [event.get_absolute_url(), "/programme/", "/api/v1/events/", "/programme.csv"]:
        response, body = get(client, url)
        assert response["X-Cache"] == "miss", url
        assert "Titre corrigé" in body and "Titre d’origine" not in body, url


def test_a_draft_never_reaches_a_cached_page_and_its_edits_keep_the_cache(
    client, edition, organizer, moderator
):
    organization = organizer.memberships.get().organization
    shown = publish(edition, title="Déjà publié")
    draft = EventFactory(
        edition=edition, organization=organization, title="Brouillon secret", eligible=True
    )
    _, html = get(client, "/programme/")
    assert "Déjà publié" in html and "Brouillon secret" not in html
    version = public_content_version()

    event_update(event=draft, user=organizer, fields={"title": "Brouillon encore secret"})
    event_transition(event=draft, to_status=EventStatus.SUBMITTED, user=organizer)

    assert public_content_version() == version  # nothing public changed
    response, html = get(client, "/programme/")
    assert response["X-Cache"] == "hit"
    assert "secret" not in html
    assert client.get(draft.get_absolute_url()).status_code == 404

    event_transition(event=draft, to_status=EventStatus.PUBLISHED, user=moderator)

    response, html = get(client, "/programme/")
    assert response["X-Cache"] == "miss"
    assert "Brouillon encore secret" in html and "Déjà publié" in html
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert shown.title in get(client, "/programme/")[1]


def test_an_unpublished_event_leaves_every_page_at_once(client, edition, moderator):
    event = publish(edition, title="Bientôt dépublié", eligible=True)
    for url in [event.get_absolute_url(), "/programme/", "/programme.ics"]:
        get(client, url)

    event_transition(
        event=event,
        to_status=EventStatus.CHANGES_REQUESTED,
        user=moderator,
        message="Merci de préciser le lieu.",
    )

    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Bientôt dépublié" not in get(client, "/programme/")[1]
    assert "Bientôt dépublié" not in get(client, "/programme.ics")[1]


def test_a_cancellation_shows_at_once(client, edition, moderator):
    event = publish(edition, eligible=True)
    get(client, event.get_absolute_url())

    event_transition(
        event=event, to_status=EventStatus.CANCELLED, user=moderator, message="Salle fermée."
    )

    response, html = get(client, event.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "annulé" in html.lower()


def test_renaming_a_lab_an_organisation_a_format_or_a_theme_shows_at_once(client, edition):
    lab = LabFactory(name="Lab d’origine")
    event = publish(edition)
    event.labs.add(lab)
    page = event.get_absolute_url()
    get(client, page)
    renames = [
        (lab, "name", "Lab renommé"),
        (event.organization, "name", "Préfecture renommée"),
        (event.format, "name", "Format renommé"),
    ]
    for instance, field, value in renames:
        assert get(client, page)[0]["X-Cache"] == "hit"
        setattr(instance, field, value)
        instance.save()
        response, html = get(client, page)
        assert response["X-Cache"] == "miss", value
        assert value.replace("’", "&#x27;") in html or value in html, value


def test_adding_a_theme_to_a_public_event_shows_at_once(client, edition):
    theme = ThemeFactory(name="Sobriété numérique")
    event = publish(edition)
    get(client, event.get_absolute_url())

    event.themes.add(theme)

    response, html = get(client, event.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "Sobriété numérique" in html


def test_switching_the_current_edition_shows_at_once(client, edition):
    publish(edition, title="Un événement de 2022")
    get(client, "/programme/")
    newer = EditionFactory(year=edition.year + 1, is_current=False)

    edition_make_current(edition=Edition.objects.get(pk=newer.pk))

    response, html = get(client, "/programme/")
    assert response["X-Cache"] == "miss"
    assert "Un événement de 2022" not in html


def test_a_bulk_writer_raises_the_version_once():
    public_content_changed()  # the row exists, whatever earlier tests flushed
    before = public_content_version()
    with public_content_batch():
        public_content_changed()
        public_content_changed()
        assert public_content_version() == before
    assert public_content_version() == before + 1


def test_the_demo_generator_makes_its_events_visible_at_once(client, edition):
    FormatFactory(name="Webinaire", slug="webinaire")
    ThemeFactory(name="Participation citoyenne")
    _, html = get(client, "/programme/")
    assert "Aucun événement" in html or "0 événement" in html

    programme_generate(edition=edition, count=5, seed=1)

    response, html = get(client, "/programme/")
    assert response["X-Cache"] == "miss"
    published = Event.objects.public().filter(edition=edition).first()
    assert published is not None and escape(published.title) in html


# Whom the cache serves -----------------------------------------------------------------------


def test_a_logged_in_organiser_never_sees_nor_leaves_a_shared_page(edition):
    publish(edition)
    anonymous = Client()
    get(anonymous, "/programme/")
    first = MembershipFactory(user__email="premiere@bretagne.gouv.fr").user
    second = MembershipFactory(user__email="second@occitanie.gouv.fr").user
    alice, bob = Client(), Client()
    alice.force_login(first)
    bob.force_login(second)

    alice_page, alice_html = get(alice, "/programme/")
    bob_page, bob_html = get(bob, "/programme/")
    _, anonymous_html = get(anonymous, "/programme/")

    assert alice_page["X-Cache"] == bob_page["X-Cache"] == "bypass"
    assert "private" in alice_page["Cache-Control"]
    assert "Se déconnecter" in alice_html and "Se déconnecter" in bob_html
    assert "Se déconnecter" not in anonymous_html
    assert get(anonymous, "/programme/")[0]["X-Cache"] == "hit"


def test_a_visitor_who_starred_events_sees_their_own_buttons(client, edition):
    event = publish(edition)
    get(client, "/programme/")  # cached with « Ajouter »
    starred = Client()
    response = HttpResponse()

    store_starred(RequestFactory().get("/"), response, [event.pk])
    starred.cookies[COOKIE_NAME] = response.cookies[COOKIE_NAME].value

    page, html = get(starred, "/programme/")

    assert page["X-Cache"] == "bypass"
    assert "Retirer de mon programme" in html
    assert "Ajouter à mon programme" in get(client, "/programme/")[1]


def _csrf_page(request):
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


def _cookie_page(request):
    response = HttpResponse("ok")
    response.set_cookie("preference", "1")
    return response


def _private_page(request):
    response = HttpResponse("à moi")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("csrf/", public_page(_csrf_page)),
    path("cookie/", public_page(_cookie_page)),
    path("private/", public_page(_private_page)),
    path("", include("moisinno.urls")),
]


@pytest.mark.urls("tests.moisinno.test_pagecache")
@pytest.mark.parametrize("url", ["/csrf/", "/cookie/", "/private/"])
def test_a_page_with_a_csrf_form_a_cookie_or_marked_private_is_never_kept(client, url):
    client.get(url)

    assert client.get(url)["X-Cache"] == "miss"


def test_no_public_page_carries_a_csrf_token(client, edition):
    """Otherwise the programme and the event pages could never be kept."""
    event = publish(edition)
    for url in ["/", "/programme/", event.get_absolute_url(), "/programme/calendrier/"]:
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert "csrftoken" not in response.cookies, url


# The shared cache: Redis ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_a_hit_costs_no_query_and_a_commit_invalidates(redis_pages, settings):
    """Redis records the change once committed: the event's page shows it on the next request,
    the lists once `PAGE_CACHE_LIST_DELAY` has passed and they were rendered again in the
    background (tests/moisinno/test_pagecache_tags.py)."""
    settings.PAGE_CACHE_LIST_DELAY = 0
    edition = EditionFactory()
    event = publish(edition, title="Partagé")
    get(Client(), "/programme/")
    get(Client(), event.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response, _ = get(Client(), "/programme/")
    assert response["X-Cache"] == "hit"
    assert len(queries) == 0
    assert any(key.startswith(b"moisinno-test-pages") for key in _redis_keys())

    event.title = "Partagé et corrigé"
    event.save()

    response, html = get(Client(), event.get_absolute_url())
    assert response["X-Cache"] == "miss" and "Partagé et corrigé" in html
    assert get(Client(), "/programme/")[0]["X-Cache"] == "stale"
    assert background_renders_wait(timeout=10)
    for url in (event.get_absolute_url(), "/programme/"):
        response, html = get(Client(), url)
        assert response["X-Cache"] == "hit" and "Partagé et corrigé" in html, url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_lost_tags_start_afresh(redis_pages):
    """Redis evicted or flushed the times of the changes: no stored page can be trusted."""
    edition = EditionFactory()
    publish(edition)
    get(Client(), "/programme/")
    assert get(Client(), "/programme/")[0]["X-Cache"] == "hit"
    redis.Redis.from_url(worker_redis_url()).delete(
        *redis.Redis.from_url(worker_redis_url()).keys("*page-tags")
    )

    assert get(Client(), "/programme/")[0]["X-Cache"] == "miss"
    assert get(Client(), "/programme/")[0]["X-Cache"] == "hit"


def _redis_keys():
    return redis.Redis.from_url(worker_redis_url()).keys("moisinno-test-pages*")


def test_a_cache_that_does_not_answer_leaves_the_site_up(client, edition, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "moisinno.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    publish(edition, title="Toujours servi")

    for _ in range(2):
        response, html = get(client, "/programme/")
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"
        assert "Toujours servi" in html


def test_an_organisation_created_without_events_keeps_nothing_stale(client, edition):
    """Any saved organisation raises the version (its page may exist already)."""
    public_content_changed()
    version = public_content_version()

    OrganizationFactory()

    assert public_content_version() == version + 1


# Compression ---------------------------------------------------------------------------------


def test_browsers_that_accept_gzip_get_the_page_compressed_once(client, edition):
    publish(edition, title="Atelier compressé")
    plain, plain_html = get(client, "/programme/")

    first = client.get("/programme/", headers={"Accept-Encoding": "gzip, deflate, br"})
    second = client.get("/programme/", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert second["X-Cache"] == "hit"
    assert gzip.decompress(second.content).decode() == plain_html
    assert len(second.content) < len(plain.content) / 4
    assert "Accept-Encoding" in second["Vary"]
    assert second["ETag"] == "W/" + plain["ETag"]
    revalidated = client.get(
        "/programme/", headers={"Accept-Encoding": "gzip", "If-None-Match": second["ETag"]}
    )
    assert revalidated.status_code == 304


def test_a_client_refusing_gzip_gets_the_page_as_it_is(client, edition):
    publish(edition)
    client.get("/programme/", headers={"Accept-Encoding": "gzip"})

    response = client.get("/programme/", headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert "Content-Encoding" not in response
    assert b"<!DOCTYPE html>" in response.content


def test_pages_rendered_for_one_visitor_are_never_compressed(edition, organizer):
    """BREACH: a page with a CSRF token or personal data is sent as it is."""
    publish(edition)
    client = Client()
    client.force_login(organizer)

    for url in ["/programme/", "/espace-organisateur/"]:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response, url


def test_every_served_copy_says_its_own_length(client, edition):
    publish(edition)
    for headers in [{}, {"Accept-Encoding": "gzip"}]:
        for _ in range(2):  # the miss, then the hit
            response = client.get("/programme/", headers=headers)
            assert int(response["Content-Length"]) == len(response.content), headers
