"""`manage.py generate_programme` and `manage.py load_demo_data`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from events.editing import event_create
from events.enums import AttendanceMode, EventStatus
from events.models import Edition, Event, EventSession, Format
from events.search import events_refresh_search
from events.sessions import session_address
from labs.models import Lab
from moisinno.geography import REGIONS, department_centre, region_of_department
from organizers.enums import OrganizationKind
from organizers.models import Organization
from tests.factories import MembershipFactory, UserFactory


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_programme", stdout=out, **options)
    return out.getvalue()


def snapshot(edition_year: int = 2022) -> list[tuple]:
    return list(
        Event.objects.filter(edition__year=edition_year, is_generated=True)
        .order_by("pk")
        .values_list("title", "starts_on", "ends_on", "region", "city", "attendance_mode")
    )


@pytest.fixture
def reference(db):
    call_command("loaddata", "reference", verbosity=0)


@pytest.fixture
def programme(reference):
    """A generated programme of 400 events for the current edition (2022)."""
    generate(events=400, seed=1)
    return Event.objects.filter(is_generated=True)


def test_generate_programme_creates_requested_number_of_events(reference):
    output = generate(events=50, seed=3)

    assert Event.objects.filter(edition__year=2022, is_generated=True).count() == 50
    assert "50 événements générés" in output


def test_generate_programme_same_seed_gives_same_programme(reference):
    generate(events=80, seed=7)
    first = snapshot()

    generate(events=80, seed=7, clear=True)

    assert snapshot() == first


def test_generate_programme_other_seed_gives_other_programme(reference):
    generate(events=80, seed=7)
    first = snapshot()

    generate(events=80, seed=8, clear=True)

    assert snapshot() != first


def test_generate_programme_marks_every_row_as_generated(reference):
    generate(events=200, seed=2)

    assert not Event.objects.filter(is_generated=False).exists()
    assert Organization.objects.filter(is_generated=True).count() <= 400
    assert not Organization.objects.filter(is_generated=False).exists()
    assert Lab.objects.filter(is_generated=True).count() >= 24
    assert not Lab.objects.filter(is_generated=False).exists()


def test_generate_programme_covers_all_regions_with_1000_events(reference):
    generate(events=1000, seed=1)

    regions = set(
        Event.objects.filter(status=EventStatus.PUBLISHED)
        .exclude(region="")
        .values_list("region", flat=True)
    )

    assert regions == set(REGIONS)


def test_generate_programme_departments_belong_to_their_region(programme):
    located = programme.exclude(attendance_mode=AttendanceMode.ONLINE)

    assert all(
        region_of_department(department) == region and city
        for department, region, city in located.values_list("department", "region", "city")
    )


def test_generate_programme_has_every_attendance_mode(programme):
    modes = dict(programme.values_list("attendance_mode").annotate(n=Count("pk")))

    assert set(modes) == set(AttendanceMode.values)
    assert all(n >= 40 for n in modes.values())


def test_generate_programme_online_events_have_a_link(programme):
    online = programme.filter(attendance_mode=AttendanceMode.ONLINE)

    assert not online.filter(online_url="").exists()
    assert not online.exclude(city="").exists()
    assert all(
        url.startswith("https://webinaire.example.gouv.fr/")
        for url in online.values_list("online_url", flat=True)
    )


def test_generate_programme_has_about_15_percent_multi_session_events(programme):
    multi = programme.annotate(n=Count("sessions")).filter(n__gte=2).count()

    assert 30 <= multi <= 100


def test_generate_programme_has_sessions_with_and_without_times(programme):
    sessions = EventSession.objects.filter(event__in=programme)

    assert sessions.filter(start_time__isnull=True).exists()
    assert sessions.filter(start_time__isnull=False, end_time__isnull=False).exists()


def test_generate_programme_links_about_a_third_of_events_to_labs(programme):
    with_labs = programme.filter(labs__isnull=False).distinct().count()

    assert 95 <= with_labs <= 170


def test_generate_programme_is_mostly_published(programme):
    statuses = dict(programme.values_list("status").annotate(n=Count("pk")))

    assert 300 <= statuses[EventStatus.PUBLISHED] <= 375
    # « Validé » exists only before an edition's opening; the generated 2022 edition is past.
    assert set(statuses) == set(EventStatus.values) - {EventStatus.VALIDATED}


def test_generate_programme_published_events_have_format_and_themes(programme):
    published = programme.filter(status=EventStatus.PUBLISHED)

    assert not published.filter(format__isnull=True).exists()
    assert not published.annotate(n=Count("themes")).filter(n=0).exists()
    assert not published.filter(published_at__isnull=True).exists()
    assert published.annotate(n=Count("themes")).aggregate(m=Max("n"))["m"] <= 3


def test_generate_programme_event_dates_match_sessions(programme):
    events = programme.annotate(first=Min("sessions__date"), last=Max("sessions__date"))

    mismatched = [e.pk for e in events if (e.starts_on, e.ends_on) != (e.first, e.last)]

    assert mismatched == []
    assert not events.filter(first__isnull=True).exists()


def test_generate_programme_only_derogations_fall_outside_the_edition(programme):
    edition = Edition.objects.get(year=2022)
    outside = programme.filter(starts_on__lt=edition.start_date) | programme.filter(
        ends_on__gt=edition.end_date
    )

    derogations = programme.filter(derogation_requested=True)

    assert set(outside.values_list("pk", flat=True)) == set(
        derogations.values_list("pk", flat=True)
    )
    assert 2 <= derogations.count() <= 30
    assert not derogations.filter(derogation_justification="").exists()
    assert edition.start_date - datetime.timedelta(days=7) <= min(
        derogations.values_list("starts_on", flat=True)
    )


def test_generate_programme_organizations_cover_every_kind(programme):
    kinds = set(programme.values_list("organization__kind", flat=True))

    assert kinds == set(OrganizationKind.values)


def test_generate_programme_clear_removes_only_generated_rows(reference):
    call_command("loaddata", "demo_2022", verbosity=0)
    real = (
        Event.objects.filter(is_generated=False).count(),
        Organization.objects.filter(is_generated=False).count(),
        Lab.objects.filter(is_generated=False).count(),
    )
    generate(events=40, seed=4)

    output = generate(events=25, seed=4, clear=True)

    assert Event.objects.filter(is_generated=True).count() == 25
    assert (
        Event.objects.filter(is_generated=False).count(),
        Organization.objects.filter(is_generated=False).count(),
        Lab.objects.filter(is_generated=False).count(),
    ) == real
    assert "40 supprimés" in output


def test_generate_programme_clear_keeps_other_editions(reference):
    generate(events=30, seed=5, edition=2021)

    generate(events=20, seed=5, clear=True)

    assert Event.objects.filter(edition__year=2021, is_generated=True).count() == 30
    assert Event.objects.filter(edition__year=2022, is_generated=True).count() == 20


def test_generate_programme_without_clear_adds_events_with_unique_slugs(reference):
    generate(events=60, seed=6)

    generate(events=60, seed=6)

    assert Event.objects.count() == 120
    assert Event.objects.values("slug").distinct().count() == 120


def test_generate_programme_for_another_edition_uses_its_dates(reference):
    generate(events=100, seed=9, edition=2021)

    events = Event.objects.filter(edition__year=2021, derogation_requested=False)

    assert events.count() > 80
    assert events.aggregate(first=Min("starts_on"))["first"] >= datetime.date(2021, 11, 2)
    assert events.aggregate(last=Max("ends_on"))["last"] <= datetime.date(2021, 11, 30)


def test_generate_programme_unknown_edition_fails(reference):
    with pytest.raises(CommandError, match="Aucune édition 1999"):
        generate(events=10, seed=1, edition=1999)


def test_generate_programme_without_reference_data_fails(reference):
    Format.objects.all().delete()

    with pytest.raises(CommandError, match="loaddata reference"):
        generate(events=10, seed=1)


def test_load_demo_data_on_empty_database_loads_fixtures_and_programme(db):
    out = io.StringIO()

    call_command("load_demo_data", stdout=out, verbosity=0)

    # The real 2022 edition with the events the press cited, and a current edition whose
    # referencing is open today, holding the generated programme.
    real = Edition.objects.get(year=2022)
    assert not real.is_current
    assert Event.objects.filter(is_generated=False, edition=real).count() == 12
    current = Edition.objects.get(is_current=True)
    today = timezone.localdate()
    assert current.year > 2022
    assert current.referencing_opens_on < today < current.referencing_closes_on
    assert today < current.start_date <= current.end_date
    assert current.number == real.number + current.year - 2022
    assert Event.objects.filter(is_generated=True, edition=current).count() == 350
    assert not Event.objects.filter(submitted_at__gt=timezone.now()).exists()
    assert "350 événements générés" in out.getvalue()
    # The 2021 « parcours » and a few events « à la une » on the home page.
    assert list(current.collections.values_list("slug", flat=True)) == [
        "experience-usager",
        "experience-agent",
        "services-publics-ecoresponsables",
        "relance-et-impact",
    ]
    featured = Event.objects.filter(is_featured=True)
    assert featured.count() == 6
    assert set(featured.values_list("status", "edition")) == {(EventStatus.PUBLISHED, current.pk)}


def test_demo_lets_a_new_organiser_reference_an_event_at_once(client, db):
    """A new user after `make run`: signs up, creates an organisation, references an event."""
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)
    current = Edition.objects.get(is_current=True)
    user = UserFactory()
    membership = MembershipFactory(user=user)
    client.force_login(user)

    page = client.get("/espace-organisateur/").content.decode()
    assert "Le référencement est ouvert jusqu’au" in page
    form = client.get("/espace-organisateur/evenements/nouveau/")
    assert form.status_code == 200
    assert "Le référencement" not in form.content.decode() or "clos" not in form.content.decode()
    event = event_create(
        organization=membership.organization,
        edition=current,
        user=user,
        fields={"title": "Atelier de démonstration"},
    )
    assert event.edition == current


def test_load_demo_data_when_editions_exist_does_nothing(reference):
    out = io.StringIO()

    call_command("load_demo_data", stdout=out)

    assert not Event.objects.exists()
    assert "aucune donnée de démonstration chargée" in out.getvalue()


def test_generate_programme_search_text_matches_search_service(reference):
    generate(events=300, seed=10)
    stored = dict(Event.objects.values_list("pk", "search_text"))

    events_refresh_search()

    refreshed = dict(Event.objects.values_list("pk", "search_text"))
    # Same lines; the title first (SQLite ranks matches in the title first). Related names may
    # come in another order on PostgreSQL, whose collation is not code point order.
    assert {pk: set(t.splitlines()) for pk, t in stored.items()} == {
        pk: set(t.splitlines()) for pk, t in refreshed.items()
    }
    assert all(stored[pk].split("\n")[0] == text.split("\n")[0] for pk, text in refreshed.items())


@pytest.mark.postgres
def test_generate_programme_search_vector_matches_search_service(reference):
    if connection.vendor != "postgresql":
        pytest.skip("The search vector only exists on PostgreSQL")

    generate(events=50, seed=11)
    stored = dict(
        Event.objects.annotate(v=Cast("search_vector", TextField())).values_list("pk", "v")
    )

    events_refresh_search()

    refreshed = Event.objects.annotate(v=Cast("search_vector", TextField())).values_list("pk", "v")
    assert None not in stored.values()
    assert stored == dict(refreshed)


def test_load_demo_data_indexes_demo_events_for_search(db):
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)

    assert not Event.objects.filter(search_text="").exists()
    if connection.vendor == "postgresql":
        assert not Event.objects.filter(search_vector__isnull=True).exists()


def test_generate_programme_changed_events_list_their_changes(programme):
    changed = programme.filter(changed_since_validation=True)

    assert 1 <= changed.count() <= 30
    assert set(changed.values_list("status", flat=True)) == {EventStatus.PUBLISHED}
    assert all(
        set(change) == {"field", "label", "before", "after"}
        and change["after"] == getattr(event, change["field"])
        for event in changed
        for change in event.changed_fields
    )


def test_demo_home_shows_featured_events_and_the_parcours(client, db):
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)

    home = client.get("/").content.decode()

    assert "À la une" in home
    assert "/parcours/relance-et-impact/" in home
    collection = client.get("/parcours/experience-usager/")
    assert collection.status_code == 200
    assert collection.context["listing"].count > 0


def test_generate_programme_puts_in_person_sessions_on_the_map(programme):
    sessions = list(EventSession.objects.filter(event__is_generated=True).select_related("event"))
    in_person = [s for s in sessions if s.is_in_person]
    online = [s for s in sessions if not s.is_in_person]
    assert in_person and online
    for session in in_person:
        assert session.is_located and session.is_approximate
        assert session.geocoded_address == session_address(session)  # not located again
        latitude, longitude = department_centre(session.department)
        assert abs(float(session.latitude) - latitude) < 0.2
        assert abs(float(session.longitude) - longitude) < 0.2
    assert not any(s.is_located for s in online)
