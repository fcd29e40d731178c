"""The public programme: /programme/ and /editions/<year>/."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import AttendanceMode, Audience, EventStatus, RegistrationMode, ScheduleStatus
from events.models import Collection, EventSession, SearchWord
from events.search import events_refresh_search
from events.services import event_approve
from labs.enums import LabKind
from labs.models import Lab
from organizers.enums import OrganizationKind
from programme.selectors import programme_events
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
)

NOV = datetime.date(2022, 11, 1)


def day(n: int) -> datetime.date:
    return NOV.replace(day=n)


def publish(edition, **kwargs):
    return EventFactory(edition=edition, published=True, **kwargs)


def titles(response) -> list[str]:
    return [event.title for event in response.context["page_obj"].object_list]


def html(response) -> str:
    return response.content.decode()


# Listing ----------------------------------------------------------------------------------------


def test_programme_lists_public_events_of_the_current_edition_in_date_order(client, edition):
    later = publish(edition, title="Plus tard", starts_on=day(20))
    earlier = publish(edition, title="Plus tôt", starts_on=day(3))
    cancelled = publish(edition, title="Annulé", status=EventStatus.CANCELLED, starts_on=day(10))
    for status in [EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.REJECTED]:
        EventFactory(edition=edition, status=status, title=f"Pas public {status}")
    past = EditionFactory(year=2021, is_current=False)
    publish(past, title="Édition passée", slug="passee")

    response = client.get("/programme/")

    assert response.status_code == 200
    assert titles(response) == [earlier.title, cancelled.title, later.title]
    assert "3 événements" in html(response)
    assert "fr-badge--error" in html(response)  # the cancelled event is marked


def test_programme_card_shows_dates_format_mode_place_organiser_and_lab(client, edition):
    lab = LabFactory(name="Ti Lab")
    event = publish(
        edition,
        title="Atelier de co-conception",
        organization=OrganizationFactory(name="Préfecture de Bretagne"),
        starts_on=day(15),
        city="Rennes",
        department="35",
    )
    event.labs.add(lab)
    online = publish(edition, online=True, title="Webinaire", starts_on=day(16))

    page = html(client.get("/programme/"))

    assert "mardi 15 novembre 2022, de 10\xa0h à 12\xa0h" in page
    assert "Atelier" in page and "En présentiel" in page
    assert "Rennes (Ille-et-Vilaine)" in page
    assert "Préfecture de Bretagne" in page and "Ti Lab" in page
    assert f'href="{event.get_absolute_url()}"' in page
    assert f'href="{online.get_absolute_url()}"' in page
    assert "En ligne" in page


def test_programme_without_edition_says_it_is_coming(client, db):
    response = client.get("/programme/")

    assert response.status_code == 200
    assert "pas encore publié" in html(response)


def test_programme_has_one_h1_labelled_fields_and_fieldsets(client, edition):
    publish(edition)

    page = html(client.get("/programme/"))

    assert page.count("<h1") == 1
    ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert ids and ids <= labelled, ids - labelled
    assert page.count("<fieldset") >= 6
    assert "style=" not in page
    assert "<script>" not in page


# Filters ----------------------------------------------------------------------------------------


@pytest.fixture
def variety(edition):
    """A small programme where every filter selects something different."""
    atelier = FormatFactory(name="Atelier", slug="atelier")
    webinaire = FormatFactory(name="Webinaire", slug="webinaire")
    design = ThemeFactory(name="Design de services", slug="design")
    data = ThemeFactory(name="Données", slug="donnees")
    town = OrganizationFactory(
        name="Ville de Lyon", slug="ville-de-lyon", kind=OrganizationKind.LOCAL_AUTHORITY
    )
    lab = LabFactory(name="Lab Lyon", slug="lab-lyon", kind=LabKind.LOCAL_AUTHORITY)
    events = {
        "rennes": publish(
            edition, title="Rennes", format=atelier, region="53", department="35", starts_on=day(7)
        ),
        "lyon": publish(
            edition,
            title="Lyon",
            format=atelier,
            region="84",
            department="69",
            city="Lyon",
            organization=town,
            starts_on=day(14),
            audience=Audience.CITIZENS,
            accessible_sign_language=True,
            accessible_wheelchair=True,
        ),
        "online": publish(
            edition, title="En ligne", format=webinaire, online=True, starts_on=day(21)
        ),
        "hybrid": publish(
            edition,
            title="Hybride",
            format=webinaire,
            attendance_mode=AttendanceMode.HYBRID,
            region="11",
            department="75",
            starts_on=day(28),
            schedule_status=ScheduleStatus.FULL,
            registration_mode=RegistrationMode.LINK,
            capacity=20,
        ),
    }
    events["rennes"].themes.add(design)
    events["lyon"].themes.add(design, data)
    events["online"].themes.add(data)
    events["lyon"].labs.add(lab)
    events_refresh_search()
    return events


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=53", ["Rennes"]),
        ("departement=69", ["Lyon"]),
        ("format=atelier", ["Rennes", "Lyon"]),
        ("format=atelier&format=webinaire", ["Rennes", "Lyon", "En ligne", "Hybride"]),
        ("theme=design", ["Rennes", "Lyon"]),
        ("theme=design&theme=donnees", ["Rennes", "Lyon", "En ligne"]),
        ("mode=online", ["En ligne"]),
        ("mode=in_person&mode=hybrid", ["Rennes", "Lyon", "Hybride"]),
        ("organisateur=local_authority", ["Lyon"]),
        ("organisation=ville-de-lyon", ["Lyon"]),
        ("lab=lab-lyon", ["Lyon"]),
        ("avec_lab=1", ["Lyon"]),
        ("public=citizens", ["Lyon"]),
        ("accessibilite=accessible_sign_language", ["Lyon"]),
        (
            "accessibilite=accessible_sign_language&accessibilite=accessible_captions",
            [],
        ),
        ("inscription_ouverte=1", ["Rennes", "Lyon", "En ligne"]),
        ("du=2022-11-14&au=2022-11-14", ["Lyon"]),
        ("du=2022-11-15", ["En ligne", "Hybride"]),
        ("au=2022-11-14", ["Rennes", "Lyon"]),
        ("du=2022-11-08&au=2022-11-20", ["Lyon"]),
        ("region=84&format=atelier&theme=donnees&public=citizens", ["Lyon"]),
        ("q=lyon", ["Lyon"]),
    ],
)
def test_each_filter_selects_its_events(client, variety, query, expected):
    response = client.get(f"/programme/?{query}")

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(expected)
    assert not response.context["filter_errors"]


def test_date_range_counts_events_with_a_session_inside_it(client, edition):
    spread = publish(edition, title="Deux séances", starts_on=day(3))
    EventSession.objects.create(event=spread, date=day(25))
    spread.ends_on = day(25)
    spread.save()

    assert titles(client.get("/programme/?du=2022-11-10&au=2022-11-20")) == []
    assert titles(client.get("/programme/?du=2022-11-25&au=2022-11-25")) == ["Deux séances"]


def test_active_filters_are_removable_tags(client, variety):
    response = client.get("/programme/?region=84&format=atelier&format=webinaire&q=lyon")

    tags = {tag.label: tag.query for tag in response.context["active_filters"]}
    assert tags["Auvergne-Rhône-Alpes"] == "format=atelier&format=webinaire&q=lyon"
    assert tags["Webinaire"] == "region=84&format=atelier&q=lyon"
    assert tags["Recherche\xa0: «\xa0lyon\xa0»"] == "region=84&format=atelier&format=webinaire"
    assert "fr-tag--dismiss" in html(response)


def test_facets_count_each_region_format_and_theme_of_the_selection(client, variety):
    response = client.get("/programme/?format=atelier")

    page = html(response)
    # The format facet ignores the format filter; the others count the selection.
    assert ">Atelier (2)<" in page and ">Webinaire (2)<" in page
    assert ">Bretagne (1)</option>" in page and ">Île-de-France (0)</option>" in page
    assert ">Design de services (2)<" in page and ">Données (1)<" in page


def test_programme_shows_derogations_in_their_own_section(client, edition):
    publish(edition, title="Dans le mois", starts_on=day(10))
    publish(edition, title="Avant le mois", starts_on=datetime.date(2022, 10, 27))

    response = client.get("/programme/")

    assert titles(response) == ["Dans le mois"]
    assert [e.title for e in response.context["listing"].derogations] == ["Avant le mois"]
    assert "c’est aussi" in html(response)

    only = client.get("/programme/?hors_dates=1")
    assert titles(only) == ["Avant le mois"]
    assert not only.context["listing"].derogations


def test_sort_recent_orders_by_publication_newest_first(client, edition):
    old = publish(edition, title="Ancien", starts_on=day(3))
    new = publish(edition, title="Nouveau", starts_on=day(20))
    old.published_at = datetime.datetime(2022, 9, 1, tzinfo=datetime.UTC)
    new.published_at = datetime.datetime(2022, 10, 1, tzinfo=datetime.UTC)
    old.save()
    new.save()

    assert titles(client.get("/programme/?tri=recent")) == ["Nouveau", "Ancien"]
    assert titles(client.get("/programme/")) == ["Ancien", "Nouveau"]


def test_pagination_keeps_the_filters(client, edition):
    for n in range(25):
        publish(edition, title=f"Événement {n:02d}", starts_on=day(10), region="53")

    first = client.get("/programme/?region=53")
    second = client.get("/programme/?region=53&page=2")

    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert "region=53&amp;page=2" in html(first)
    assert "25 événements" in html(first)


def test_empty_result_suggests_criteria_to_remove(client, variety):
    response = client.get("/programme/?region=94&format=atelier")

    page = html(response)
    assert response.status_code == 200
    assert "Aucun événement ne correspond à ces critères" in page
    assert "Retirer «&nbsp;Corse&nbsp;»" in page
    assert 'href="?format=atelier"' in page


# Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=zz", "Région"),
        ("departement=999", "Département"),
        ("du=2022-13-45", "Du\xa0: Saisissez une date valide."),
        ("du=hier&au=demain", "Au\xa0: Saisissez une date valide."),
        ("du=2022-11-20&au=2022-11-10", "La date de fin doit être postérieure"),
        ("format=inconnu", "Format"),
        ("theme=inconnue", "Thématiques"),
        ("organisation=nulle-part", "Organisation"),
        ("lab=fantome", "Laboratoire"),
        ("mode=teleportation", "Modalité"),
        ("accessibilite=is_staff", "Accessibilité"),
        ("tri=hasard", "Trier"),
        ("q=" + "x" * 5000, "au plus 200 caractères"),
    ],
)
def test_invalid_parameter_gives_a_french_message_and_is_ignored(client, variety, query, message):
    response = client.get(f"/programme/?{query}&format=webinaire")

    assert response.status_code == 200
    errors = " ".join(response.context["filter_errors"])
    assert message in errors
    assert "ont été ignorés" in html(response)
    if not query.startswith("format="):
        # The valid filter still applies; the invalid one is ignored.
        assert sorted(titles(response)) == ["En ligne", "Hybride"]


@pytest.mark.parametrize(
    ("page", "message"),
    [("9999", "La page 9999 n’existe pas"), ("abc", "n’est pas valide"), ("0", "n’est pas")],
)
def test_out_of_range_page_gives_the_nearest_page_with_a_message(client, variety, page, message):
    response = client.get(f"/programme/?page={page}")

    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert message in html(response)


def test_garbage_parameters_never_fail(client, variety):
    for query in [
        "q=%00%ff",
        "q=<script>alert(1)</script>",
        "du=0001-01-01&au=9999-12-31",
        "region=&departement=&format=&theme=&mode=",
        "page=-1",
        "page=1e10",
        "tri=",
        "inscription_ouverte=peut-etre",
        "q=%27%3B%20DROP%20TABLE",
        "q=a%26b%7Cc%21d%3A*",
    ]:
        response = client.get(f"/programme/?{query}")
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in html(response)


# Search -----------------------------------------------------------------------------------------


@pytest.fixture
def searchable(edition):
    """Events whose words are only in one field each (no format: its name is searchable)."""
    lab = LabFactory(name="Laboratoire Archipel")
    events = [
        publish(edition, title="Ateliers de créativité", summary="", starts_on=day(4)),
        publish(
            edition,
            format=None,
            title="Conférence",
            summary="Les données publiques",
            city="Besançon",
            department="25",
            region="27",
            starts_on=day(5),
        ),
        publish(
            edition,
            format=None,
            title="Webinaire",
            summary="",
            description="Un temps pour la CRÉATIVITÉ collective.",
            organization=OrganizationFactory(name="Métropole de Nîmes"),
            starts_on=day(6),
        ),
        publish(edition, format=None, title="Visite", summary="", starts_on=day(7)),
    ]
    events[3].labs.add(lab)
    events_refresh_search()
    return events


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CREATIVITE", {"Ateliers de créativité", "Webinaire"}),
        ("créativité", {"Ateliers de créativité", "Webinaire"}),
        ("besancon", {"Conférence"}),  # city, accents ignored
        ("nimes", {"Webinaire"}),  # organisation
        ("archipel", {"Visite"}),  # lab
        ("données", {"Conférence"}),
        ("ateliers creativite", {"Ateliers de créativité"}),
    ],
)
def test_search_ignores_case_and_accents_across_fields(client, searchable, query, expected):
    assert set(titles(client.get(f"/programme/?q={query}"))) == expected


def test_search_ranks_title_matches_first(client, searchable):
    response = client.get("/programme/?q=creativite")

    assert titles(response)[0] == "Ateliers de créativité"


def test_search_ranks_title_then_summary_then_the_rest_whatever_the_dates(client, edition):
    neutral = {"format": None, "summary": "Une matinée d’échanges."}
    publish(edition, title="Forum", description="Un atelier ouvert.", starts_on=day(2), **neutral)
    publish(
        edition,
        title="Rencontre",
        summary="Un atelier d’une heure",
        format=None,
        description="Ouvert à tous.",
        starts_on=day(3),
    )
    publish(edition, title="L’atelier du jeudi", starts_on=day(20), **neutral)
    publish(edition, title="Atelier du mardi", starts_on=day(9), **neutral)
    events_refresh_search()

    assert titles(client.get("/programme/?q=atelier")) == [
        "Atelier du mardi",
        "L’atelier du jeudi",
        "Rencontre",
        "Forum",
    ]
    # By date when asked, whatever the relevance.
    assert titles(client.get("/programme/?q=atelier&tri=date")) == [
        "Forum",
        "Rencontre",
        "Atelier du mardi",
        "L’atelier du jeudi",
    ]


def test_search_follows_renamed_labs_once_refreshed(client, searchable):
    Lab.objects.filter(name="Laboratoire Archipel").update(name="La Fabrique")
    events_refresh_search()

    assert titles(client.get("/programme/?q=fabrique")) == ["Visite"]


@pytest.mark.postgres
def test_search_matches_french_word_forms_on_postgresql(client, searchable):
    if connection.vendor != "postgresql":
        pytest.skip("French stemming needs PostgreSQL's full-text search (french_unaccent)")

    assert titles(client.get("/programme/?q=atelier")) == ["Ateliers de créativité"]
    assert set(titles(client.get("/programme/?q=creativite"))) == {
        "Ateliers de créativité",
        "Webinaire",
    }
    assert titles(client.get("/programme/?q=conferences")) == ["Conférence"]


@pytest.mark.postgres
def test_search_tolerates_small_typos_on_postgresql(client, searchable):
    if connection.vendor != "postgresql":
        pytest.skip("Typo tolerance needs PostgreSQL's pg_trgm")

    # A misspelt word finds what the word spelt right finds, the title's match first.
    assert titles(client.get("/programme/?q=creativitee")) == [
        "Ateliers de créativité",
        "Webinaire",
    ]
    assert titles(client.get("/programme/?q=webinnaire")) == ["Webinaire"]
    assert titles(client.get("/programme/?q=atelir creativite")) == ["Ateliers de créativité"]
    # Nothing close: nothing found, rather than everything.
    assert titles(client.get("/programme/?q=zzqxw")) == []


@pytest.mark.postgres
def test_the_typo_fallback_reads_the_vocabulary_not_every_event(client, searchable):
    if connection.vendor != "postgresql":
        pytest.skip("Typo tolerance needs PostgreSQL's pg_trgm")

    assert SearchWord.objects.filter(word__in=["creativite", "webinaire", "archipel"]).count() == 3
    with CaptureQueriesContext(connection) as queries:
        client.get("/programme/?q=creativitee")
    sql = " ".join(q["sql"] for q in queries)
    assert "events_searchword" in sql
    assert "split_part" not in sql and "word_similarity" not in sql


def test_search_is_accent_insensitive_without_stemming_on_sqlite(client, searchable):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only degraded behaviour")

    # Substrings: "atelier" is in "ateliers", but no French stemming ("conferences").
    assert titles(client.get("/programme/?q=atelier")) == ["Ateliers de créativité"]
    assert titles(client.get("/programme/?q=conferences")) == []


def test_publication_makes_an_event_searchable(client, edition, moderator):
    event = EventFactory(edition=edition, submitted=True, title="Hackathon des données")
    assert event.search_text == ""

    event_approve(event=event, user=moderator)

    assert titles(client.get("/programme/?q=hackathon")) == ["Hackathon des données"]


# Selector ---------------------------------------------------------------------------------------


def test_programme_events_selector_accepts_plain_dicts(variety, edition):
    selection = programme_events(edition=edition, params={"format": ["atelier"], "region": "84"})

    assert [e.title for e in selection.events] == ["Lyon"]


# Editions ---------------------------------------------------------------------------------------


def test_past_edition_has_its_own_programme(client, edition):
    past = EditionFactory(year=2021, is_current=False)
    publish(past, title="En 2021", slug="en-2021", starts_on=datetime.date(2021, 11, 10))
    publish(edition, title="En 2022")

    response = client.get("/editions/2021/?format=atelier")

    assert response.status_code == 200
    assert titles(response) == ["En 2021"]
    assert "Programme de l’édition 2021" in html(response)


def test_current_edition_page_redirects_to_the_programme(client, edition):
    response = client.get("/editions/2022/?region=53")

    assert response.status_code == 302
    assert response["Location"] == "/programme/?region=53"


def test_unknown_edition_is_a_404(client, edition):
    assert client.get("/editions/1999/").status_code == 404


# Queries ----------------------------------------------------------------------------------------


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _rich_event(edition, n: int):
    event = publish(edition, title=f"Atelier {n}", starts_on=day(2 + n % 28), region="53")
    EventSession.objects.create(event=event, date=event.starts_on, start_time=datetime.time(14))
    event.labs.add(LabFactory())
    event.themes.add(ThemeFactory())
    event.co_organizers.add(OrganizationFactory())
    return event


@pytest.mark.parametrize(
    "url",
    [
        "/programme/",
        "/programme/?region=53&format=atelier&theme=x&mode=in_person&du=2022-11-01&au=2022-11-30",
        "/programme/?q=atelier",
        "/programme/?tri=recent&avec_lab=1",
    ],
)
def test_programme_runs_as_many_queries_for_1_and_50_events(client, edition, url):
    _rich_event(edition, 0)
    publish(edition, title="Hors dates", starts_on=datetime.date(2022, 10, 28))
    events_refresh_search()
    one = _query_count(client, url)

    for n in range(1, 50):
        _rich_event(edition, n)
    for _ in range(10):
        publish(edition, title="Hors dates", starts_on=datetime.date(2022, 10, 28))
    events_refresh_search()
    fifty = _query_count(client, url)

    assert one == fifty


# Organisation and lab filters: a text field, not a menu of every name ---------------------------


@pytest.mark.parametrize(
    ("query", "expected", "tag"),
    [
        ("organisation=ville-de-lyon", ["Lyon"], "Ville de Lyon"),  # the organisation page's link
        ("organisation=ville de lyon", ["Lyon"], "Ville de Lyon"),
        ("organisation=LYON", ["Lyon"], "Ville de Lyon"),
        ("organisation=vílle lyon", ["Lyon"], "Ville de Lyon"),  # words, accents ignored
        ("lab=lab-lyon", ["Lyon"], "Lab Lyon"),
        ("lab=lab lyon", ["Lyon"], "Lab Lyon"),
    ],
)
def test_organisation_and_lab_are_found_by_slug_or_by_words_of_their_names(
    client, variety, query, expected, tag
):
    response = client.get(f"/programme/?{query}")

    assert sorted(titles(response)) == expected
    assert not response.context["filter_errors"]
    assert [t.label for t in response.context["active_filters"]] == [tag]


def test_a_name_shared_by_several_organisations_selects_the_events_of_all_of_them(client, edition):
    for city in ("Lyon", "Nantes"):
        organization = OrganizationFactory(name=f"Métropole de {city}")
        publish(edition, title=f"Événement de {city}", organization=organization)
    publish(edition, title="Autre", organization=OrganizationFactory(name="Région Bretagne"))
    co_organized = publish(edition, title="Co-organisé", organization=OrganizationFactory())
    co_organized.co_organizers.add(OrganizationFactory(name="Métropole du Grand Paris"))

    response = client.get("/programme/?organisation=metropole")

    assert sorted(titles(response)) == ["Co-organisé", "Événement de Lyon", "Événement de Nantes"]
    assert [t.label for t in response.context["active_filters"]] == [
        "Organisation\u00a0: «\u00a0metropole\u00a0»"
    ]


def test_an_unknown_organisation_is_a_french_error_and_the_text_is_kept(client, variety):
    response = client.get("/programme/?organisation=Préfecture du Cantal&region=53")
    content = html(response).replace("&nbsp;", "\u00a0")

    assert titles(response) == ["Rennes"]  # the other filters still apply
    assert response.context["filter_errors"] == [
        "Organisation\u00a0: Aucune organisation du programme ne correspond à "
        "«\u00a0Préfecture du Cantal\u00a0». Vérifiez l’orthographe ou essayez une partie du nom."
    ]
    assert 'value="Préfecture du Cantal"' in content
    assert 'aria-describedby="id_organisation-desc-error"' in content


def test_an_organisation_without_public_event_in_this_edition_is_not_matched(client, variety):
    OrganizationFactory(name="Ville de Lyonnais-sans-événement")

    response = client.get("/programme/?organisation=lyonnais")

    assert response.context["filter_errors"]
    assert len(titles(response)) == 4  # the filter is ignored


def test_the_filter_form_does_not_grow_with_the_organisations_and_labs(client, edition):
    def form_bytes() -> int:
        content = client.get("/programme/").content
        start = content.index(b'<form id="programme-filters"')
        return content.index(b"</form>", start) - start

    publish(edition, title="Un événement")
    small = form_bytes()
    for n in range(300):  # about the 2022 programme's organisations
        event = publish(edition, organization=OrganizationFactory(name=f"Organisation n° {n}"))
        if n < 40:
            event.labs.add(LabFactory(name=f"Laboratoire d’innovation territoriale n° {n}"))
    large = form_bytes()

    assert large - small < 100  # only the facets' counts have more digits
    assert large < 25_000  # it was 56 KB with menus of every organisation and lab


def test_a_card_says_what_when_where_and_with_whom(client, edition):
    event = publish(
        edition,
        title="Atelier <données> & usagers",
        summary="Résumé « court »",
        city="Rennes",
        department="35",
        region="53",
        attendance_mode=AttendanceMode.HYBRID,
        schedule_status=ScheduleStatus.FULL,
        organization=OrganizationFactory(name="Ville de Rennes"),
    )
    event.sessions.all().delete()
    for n in (15, 16, 17):
        EventSession.objects.create(event=event, date=day(n), start_time=datetime.time(9))
    event.labs.add(LabFactory(name="La 27e Région"), LabFactory(name="Lab Bretagne"))
    cancelled = publish(
        edition, title="Annulé", status=EventStatus.CANCELLED, online=True, format=None
    )

    page = html(client.get("/programme/"))
    link = page.index(f'<a href="/evenements/{event.slug}/">')
    card = page[page.rindex('<div class="fr-card fr-enlarge-link', 0, link) :]
    card = card[: card.index("</form>")]

    assert f'<h3 class="fr-card__title"><a href="/evenements/{event.slug}/">' in card
    assert "Atelier &lt;données&gt; &amp; usagers" in card
    assert "Résumé « court »" in card
    assert '<p class="fr-badge fr-badge--warning fr-badge--sm">Complet</p>' in card
    assert '<p class="fr-badge fr-badge--sm">Atelier</p>' in card
    assert ">Hybride</p>" in card
    assert "mardi 15 novembre 2022, à 9\u00a0h (+&nbsp;2 séances)" in card
    assert "Rennes (Ille-et-Vilaine) et en ligne" in card
    assert "Ville de Rennes — avec La 27e Région, Lab Bretagne" in card
    assert f'action="/mon-programme/ajouter/{event.slug}/"' in card
    assert "Ajouter à mon programme" in card
    other = page[page.index(f"/evenements/{cancelled.slug}/") :]
    assert '<p class="fr-badge fr-badge--error fr-badge--sm">Annulé</p>' in other[:2000]
    assert ">En ligne</p>" in other[:2000]


#: An element that shows nothing: an icon beside no text, an empty paragraph or list item.
EMPTY_ELEMENT = re.compile(
    r"<(p|li|dd|dt|h[1-6])\b(?![^>]*aria-live)[^>]*>\s*</\1>"
    r'|<[a-z]+ class="[^"]*fr-icon-[^"]*"[^>]*>\s*</'
)


def test_an_event_in_person_whose_place_is_not_known_yet_says_so(client, edition):
    """Its card showed the map-pin icon beside nothing, its page an empty « Où ? »."""
    unknown = {"city": "", "department": "", "region": "", "address": "", "postal_code": ""}
    in_person = publish(edition, title="Rencontres des réseaux", **unknown)
    hybrid = publish(
        edition, title="Forum hybride", attendance_mode=AttendanceMode.HYBRID, **unknown
    )
    for event in (in_person, hybrid):
        event.sessions.update(city="", department="", address="", postal_code="")

    page = html(client.get("/programme/"))

    assert '<p class="fr-card__detail fr-icon-map-pin-2-line">Lieu à préciser</p>' in page
    assert ">Lieu à préciser et en ligne</p>" in page
    assert not EMPTY_ELEMENT.search(page[page.index("<main") :])
    event_page = html(client.get(in_person.get_absolute_url()))
    assert "Lieu à préciser." in event_page
    assert not EMPTY_ELEMENT.search(event_page[event_page.index("<main") :])


def test_a_tile_without_detail_has_no_empty_detail_line(client, edition):
    edition.is_current = True
    edition.save()
    Collection.objects.create(edition=edition, title="Sans introduction", slug="sans-intro")

    page = html(client.get("/"))

    assert ">Sans introduction</a>" in page
    assert not EMPTY_ELEMENT.search(page[page.index("<main") :])


def test_a_card_is_rendered_once_per_public_content_and_an_edit_shows_at_once(
    client, edition, settings
):
    """Cards are kept until the public content changes and shared by every selection: another
    filter lists the same event without reading its sessions again; an edit is on the very
    next page."""
    settings.PAGE_CACHE_ENABLED = False  # every request renders: only the cards are kept
    event = EventFactory(edition=edition, published=True, title="Atelier des usagers")
    assert "Atelier des usagers" in client.get("/programme/").content.decode()

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/programme/?region=53").content.decode()
    assert "Atelier des usagers" in page
    # The region filter looks for sessions held there; no session row is read for a card.
    assert not any(q["sql"].startswith('SELECT "events_eventsession"') for q in queries)

    event.title = "Atelier des usagers, nouvelle formule"
    event.save()
    assert "Atelier des usagers, nouvelle formule" in client.get("/programme/").content.decode()
