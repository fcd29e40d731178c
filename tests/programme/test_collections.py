"""« À la une » and editorial collections (« parcours »): the home page, `/parcours/<slug>/`
with the programme's filters, feeds and embed, the event pages, and the page cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Collection, Event, EventSession
from events.services import events_feature
from tests.factories import EditionFactory, EventFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()


@pytest.fixture
def scene(edition):
    usager = ThemeFactory(name="Expérience usager", slug="experience-usager")
    agent = ThemeFactory(name="Expérience agent", slug="experience-agent")
    picked = EventFactory(edition=edition, published=True, title="Atelier choisi", slug="choisi")
    by_theme = EventFactory(
        edition=edition,
        published=True,
        title="Atelier usager",
        slug="usager",
        region="11",
        department="75",
        city="Paris",
    )
    by_theme.themes.add(usager)
    other = EventFactory(edition=edition, published=True, title="Atelier agent", slug="agent")
    other.themes.add(agent)
    draft = EventFactory(edition=edition, title="Brouillon choisi", slug="brouillon")
    collection = Collection.objects.create(
        edition=edition,
        title="Expérience usager",
        slug="experience-usager",
        intro="Des services publics conçus avec leurs usagers.",
        query="theme=experience-usager",
    )
    collection.events.add(picked, draft)
    return {"collection": collection, "picked": picked, "by_theme": by_theme, "other": other}


def test_collection_lists_picked_and_selected_public_events_only(client, scene):
    page = body(client.get("/parcours/experience-usager/"))

    assert "<h1>" in page and "Expérience usager" in page
    assert "Des services publics conçus avec leurs usagers." in page
    assert "2 événements" in page
    assert "Atelier choisi" in page and "Atelier usager" in page
    assert "Atelier agent" not in page and "Brouillon choisi" not in page


def test_filters_apply_within_the_collection(client, scene):
    page = body(client.get("/parcours/experience-usager/?region=11"))

    assert "1 événement" in page
    assert "Atelier usager" in page and "Atelier choisi" not in page
    assert 'action="/parcours/experience-usager/"' in page


def test_feeds_and_embed_of_the_collection(client, scene):
    page = body(client.get("/parcours/experience-usager/"))
    assert "/programme.ics?parcours=experience-usager" in page
    assert "/integrer/?parcours=experience-usager" in page

    ics = body(client.get("/programme.ics?parcours=experience-usager"))
    assert "Atelier choisi" in ics and "Atelier usager" in ics and "Atelier agent" not in ics
    data = body(client.get("/programme.json?parcours=experience-usager"))
    assert "choisi" in data and "agent" not in data.replace("agents", "")
    embed = body(client.get("/integrer/programme/?parcours=experience-usager"))
    assert "Atelier choisi" in embed and "Atelier agent" not in embed


def test_unknown_or_offline_collection_is_404(client, scene):
    scene["collection"].is_published = False
    scene["collection"].save()

    assert client.get("/parcours/experience-usager/").status_code == 404
    assert client.get("/parcours/inconnu/").status_code == 404


def test_collections_on_home_and_on_event_pages(client, scene):
    home = body(client.get("/"))
    assert "Les parcours" in home and "/parcours/experience-usager/" in home

    assert "/parcours/experience-usager/" in body(client.get("/evenements/usager/"))
    assert "/parcours/experience-usager/" in body(client.get("/evenements/choisi/"))
    assert "/parcours/experience-usager/" not in body(client.get("/evenements/agent/"))


def test_the_collections_have_an_index_page_with_every_edition(client, scene, edition):
    """People shorten /parcours/<slug>/ to /parcours/: it answered 404."""
    past = EditionFactory(year=2021, is_current=False)
    Collection.objects.create(edition=past, title="Parcours 2021", slug="parcours-2021")
    Collection.objects.create(
        edition=edition, title="Parcours hors ligne", slug="hors-ligne", is_published=False
    )

    response = client.get("/parcours/")

    assert response.status_code == 200
    page = body(response)
    assert "<h1>Les parcours</h1>" in page
    assert page.index("Édition 2022 (en cours)") < page.index("Édition 2021")
    assert page.index('href="/parcours/experience-usager/"') < page.index("Édition 2021")
    assert "Des services publics conçus avec leurs usagers." in page
    assert 'href="/parcours/parcours-2021/"' in page
    assert "hors-ligne" not in page
    assert 'aria-current="page">Parcours</a>' in page  # the breadcrumb
    assert 'href="/parcours/"' in body(client.get("/"))


def test_a_collection_is_under_the_index_in_its_breadcrumb(client, scene):
    page = body(client.get("/parcours/experience-usager/"))

    breadcrumb = page[page.index('class="fr-breadcrumb"') :]
    breadcrumb = breadcrumb[: breadcrumb.index("</nav>")]
    assert 'href="/parcours/">Parcours</a>' in breadcrumb
    assert 'aria-current="page">Expérience usager</a>' in breadcrumb


def test_the_index_without_collections_says_so(client, edition):
    page = body(client.get("/parcours/"))

    assert "Aucun parcours n’est publié pour le moment." in page
    assert 'href="/programme/"' in page


def test_the_index_costs_as_many_queries_for_1_and_10_collections(client, scene, edition):
    with CaptureQueriesContext(connection) as one:
        client.get("/parcours/?premier")
    for number in range(9):
        Collection.objects.create(edition=edition, title=f"Parcours {number}", slug=f"p-{number}")
    with CaptureQueriesContext(connection) as ten:
        page = body(client.get("/parcours/?second"))

    assert page.count('href="/parcours/p-') == 9
    assert len(one) == len(ten)


def test_featured_events_on_the_home_page(client, scene, moderator):
    assert "À la une" not in body(client.get("/"))

    events_feature(
        events=Event.objects.filter(slug__in=["agent", "brouillon"]), featured=True, user=moderator
    )

    home = body(client.get("/"))
    assert "À la une" in home
    assert "Atelier agent" in home
    assert "Brouillon choisi" not in home  # not public
    # Featured events come before the entry points.
    assert home.index("À la une") < home.index("Trouver un événement")


def test_the_page_cache_follows_collection_changes(client, scene, edition):
    url = "/parcours/experience-usager/"
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"

    scene["collection"].events.add(scene["other"])

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Atelier agent" in body(response)
    scene["collection"].title = "Parcours usager"
    scene["collection"].save()
    assert "Parcours usager" in body(client.get(url))


def test_collection_of_a_past_edition_stays_browsable(client, scene):
    EditionFactory(year=2023, is_current=False)
    page = body(client.get("/parcours/experience-usager/"))
    assert "Atelier choisi" in page


def test_pasted_programme_url_is_normalised(edition):
    collection = Collection(
        edition=edition,
        title="Régions",
        slug="regions",
        query="https://moisinno.example/programme/?region=53&page=2&tri=date&q=",
    )
    collection.full_clean()
    assert collection.query == "region=53"


def test_moderator_manages_collections_and_featured_events_in_the_admin(client, scene, moderator):
    client.force_login(moderator)

    assert client.get(reverse("admin:events_collection_changelist")).status_code == 200
    response = client.post(
        reverse("admin:events_event_changelist") + "?status=tous",
        {"action": "feature_selected", "_selected_action": [scene["picked"].pk]},
    )
    assert response.status_code == 302
    scene["picked"].refresh_from_db()
    assert scene["picked"].is_featured


def test_admin_creates_a_collection_from_a_pasted_programme_url(client, scene, moderator):
    client.force_login(moderator)
    url = reverse("admin:events_collection_add")
    data = {
        "edition": scene["collection"].edition.pk,
        "title": "En Île-de-France",
        "slug": "ile-de-france",
        "intro": "",
        "query": "",
        "position": 0,
        "is_published": "on",
    }

    empty = client.post(url, data)
    assert empty.status_code == 200
    assert "un parcours vide n’aurait rien à montrer" in empty.content.decode()

    data["query"] = "http://testserver/programme/?region=11&page=3"
    assert client.post(url, data).status_code == 302
    assert Collection.objects.get(slug="ile-de-france").query == "region=11"
    page = body(client.get("/parcours/ile-de-france/"))
    assert "Atelier usager" in page and "Atelier choisi" not in page


def test_the_embed_builder_keeps_the_collection(client, scene):
    response = client.get("/integrer/?parcours=experience-usager")

    page = body(response)
    assert response.context["matching"] == 2
    assert "/integrer/programme/?parcours=experience-usager" in page
    assert '<input type="hidden" name="parcours" value="experience-usager">' in page


def test_an_event_page_knows_its_collections_without_a_query_per_collection(
    client, scene, edition, settings
):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what a miss costs
    for index in range(3):
        Collection.objects.create(
            edition=edition, title=f"Parcours {index}", slug=f"p{index}", query="region=11"
        )
    client.get("/evenements/usager/")  # computes the collections' events once
    with CaptureQueriesContext(connection) as queries:
        page = body(client.get("/evenements/usager/"))

    assert not any("events_collection_events" in q["sql"] for q in queries)
    assert all(f"/parcours/p{index}/" in page for index in range(3))
    # Exact: the event leaves the saved selections' region, and its next page says so.
    EventSession.objects.filter(event__slug="usager").update(department="35")
    Event.objects.filter(slug="usager").update(region="53", department="35")
    Event.objects.get(slug="usager").save()
    page = body(client.get("/evenements/usager/"))
    assert "/parcours/p0/" not in page and "/parcours/experience-usager/" in page
