"""The reference and demo fixtures (`fixtures/reference.json`, `fixtures/demo_2022.json`)."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max, Min

from events.enums import AttendanceMode, EventStatus
from events.models import Edition, Event, EventSession, Format, Theme
from events.search import events_refresh_search
from labs.enums import LabKind
from labs.models import Lab
from organizers.enums import OrganizationKind
from organizers.models import Organization

D = datetime.date

# The eleven dated events of the 2022 press article, by slug, with their session dates.
ARTICLE_EVENTS = {
    "ti-lab-fete-son-anniversaire": [D(2022, 11, 18)],
    "sprint-creatif-etat-lin": [D(2022, 11, 30)],
    "rencontres-regionales-de-la-donnee-grand-est": [D(2022, 11, 29)],
    "session-de-creativite-lab-pole-emploi-paca-lab-ville-de-marseille": [D(2022, 11, 22)],
    "webinaire-de-formation-documents-administratifs-en-falc": [D(2022, 11, 16), D(2022, 11, 21)],
    "usages-de-l-intelligence-artificielle-pour-l-action-publique": [D(2022, 11, 29)],
    "webinaire-interactif-intelligence-emotionnelle": [D(2022, 11, 25)],
    "transition-ecologique-et-fonction-rh-durable-et-responsable": [D(2022, 11, 22)],
    "barometre-numerique-de-la-gendarmerie": [D(2022, 11, 17)],
    "plateforme-de-coaching-en-ligne-ecole-nationale-de-la-magistrature": [D(2022, 11, 21)],
    "rencontres-des-reseaux-professionnels-feminins-du-secteur-public": [D(2022, 11, 18)],
}
SERIES_SLUG = "le-recit-de-la-transition-ecologique-serie-de-webinaires"


@pytest.fixture
def demo_data(db):
    call_command("loaddata", "reference", "demo_2022", verbosity=0)


def test_reference_fixture_loads_formats_themes_and_editions(db):
    call_command("loaddata", "reference", verbosity=0)

    assert Format.objects.count() == 13
    assert Format.objects.filter(slug="simplificathon", name="Simplificathon").exists()
    assert Theme.objects.filter(name="Co-production").exists()
    assert Theme.objects.filter(name="Intelligence artificielle").exists()
    assert Theme.objects.count() >= 12
    edition_2021 = Edition.objects.get(year=2021)
    assert (edition_2021.number, edition_2021.theme) == (8, "Innovation ouverte")
    assert not edition_2021.is_current


def test_reference_fixture_current_edition_is_2022(db):
    call_command("loaddata", "reference", verbosity=0)

    edition = Edition.objects.get(is_current=True)

    assert edition.year == 2022
    assert edition.number == 9
    assert edition.theme == "Co-production"
    assert (edition.start_date, edition.end_date) == (D(2022, 11, 2), D(2022, 11, 30))
    assert edition.referencing_closes_on == D(2022, 10, 29)


def test_demo_fixture_loading_twice_is_idempotent(demo_data):
    counts = [
        Event.objects.count(),
        EventSession.objects.count(),
        Organization.objects.count(),
        Lab.objects.count(),
        Event.themes.through.objects.count(),
    ]

    call_command("loaddata", "reference", "demo_2022", verbosity=0)

    assert [
        Event.objects.count(),
        EventSession.objects.count(),
        Organization.objects.count(),
        Lab.objects.count(),
        Event.themes.through.objects.count(),
    ] == counts
    assert counts[0] == 12


@pytest.mark.parametrize(("slug", "dates"), ARTICLE_EVENTS.items())
def test_article_event_is_published_on_its_dates(demo_data, slug, dates):
    event = Event.objects.get(slug=slug)

    assert event.status == EventStatus.PUBLISHED
    assert event.edition.year == 2022
    assert [s.date for s in event.sessions.all()] == dates
    assert (event.starts_on, event.ends_on) == (dates[0], dates[-1])
    assert not event.is_outside_edition


def test_demo_published_events_have_format_theme_and_publication_date(demo_data):
    published = Event.objects.filter(status=EventStatus.PUBLISHED)

    assert published.count() == len(ARTICLE_EVENTS)
    for event in published:
        assert event.format is not None
        assert event.themes.exists()
        assert event.published_at.date() < D(2022, 11, 1)
        assert event.status_changed_at is not None


def test_falc_webinar_has_two_online_sessions(demo_data):
    event = Event.objects.get(slug="webinaire-de-formation-documents-administratifs-en-falc")

    assert event.attendance_mode == AttendanceMode.ONLINE
    assert event.organization.name == "Conseil régional de Nouvelle-Aquitaine"
    assert list(event.sessions.values_list("date", flat=True)) == [D(2022, 11, 16), D(2022, 11, 21)]


def test_transition_series_is_a_draft_without_sessions(demo_data):
    event = Event.objects.get(slug=SERIES_SLUG)

    assert event.status == EventStatus.DRAFT
    assert event.organization.kind == OrganizationKind.ASSOCIATION
    assert not event.sessions.exists()
    assert (event.starts_on, event.ends_on, event.published_at) == (None, None, None)


def test_demo_labs_have_regions_kinds_and_atlas_year(demo_data):
    expected = {
        "ti-lab": ("53", LabKind.TERRITORIAL),
        "etat-lin": ("52", LabKind.TERRITORIAL),
        "lab-est": ("44", LabKind.TERRITORIAL),
        "lab-pole-emploi-paca": ("93", LabKind.OPERATOR),
        "lab-ville-de-marseille": ("93", LabKind.LOCAL_AUTHORITY),
    }

    labs = {lab.slug: lab for lab in Lab.objects.all()}

    assert {slug: (labs[slug].region, labs[slug].kind) for slug in expected} == expected
    assert all(lab.atlas_years == [2022] and not lab.is_generated for lab in labs.values())


def test_lab_events_are_linked_to_their_labs(demo_data):
    creativity = Event.objects.get(
        slug="session-de-creativite-lab-pole-emploi-paca-lab-ville-de-marseille"
    )

    assert set(creativity.labs.values_list("slug", flat=True)) == {
        "lab-pole-emploi-paca",
        "lab-ville-de-marseille",
    }
    assert creativity.city == "Marseille"
    assert Event.objects.get(slug="ti-lab-fete-son-anniversaire").labs.get().slug == "ti-lab"
    assert Event.objects.filter(labs__isnull=False).distinct().count() == 4


def test_demo_event_dates_match_their_sessions(demo_data):
    events = Event.objects.annotate(first=Min("sessions__date"), last=Max("sessions__date"))

    assert all((e.starts_on, e.ends_on) == (e.first, e.last) for e in events)


def test_demo_organization_regions_match_their_departments(demo_data):
    eure_et_loir = Organization.objects.get(name="Conseil départemental d'Eure-et-Loir")

    assert (eure_et_loir.department, eure_et_loir.region) == ("28", "24")
    assert eure_et_loir.kind == OrganizationKind.LOCAL_AUTHORITY


@pytest.mark.parametrize("name", ["reference.json", "demo_2022.json"])
def test_fixture_files_hold_no_users_or_passwords(name):
    path = settings.BASE_DIR / "fixtures" / name

    rows = json.loads(path.read_text(encoding="utf-8"))

    assert not [r for r in rows if r["model"].split(".")[0] in {"auth", "account", "sessions"}]
    assert "password" not in path.read_text(encoding="utf-8")


def test_demo_events_search_text_matches_search_service(demo_data):
    stored = dict(Event.objects.values_list("slug", "search_text"))

    events_refresh_search()

    refreshed = dict(Event.objects.values_list("slug", "search_text"))
    assert {s: set(t.splitlines()) for s, t in stored.items()} == {
        s: set(t.splitlines()) for s, t in refreshed.items()
    }
    assert "ti lab" in stored["ti-lab-fete-son-anniversaire"]
