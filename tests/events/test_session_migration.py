"""Migration 0017 copies each event's mode, place and link onto its sessions, without loss;
migration 0019 notes the other departments of an event on tour."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0016_event_import_origin")]
AFTER = [("events", "0017_session_attendance")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """The tests after these ones run on the whole schema again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _edition_and_organization(apps):
    Edition = apps.get_model("events", "Edition")
    Organization = apps.get_model("organizers", "Organization")
    edition = Edition.objects.create(
        year=2031,
        number=18,
        theme="Thème",
        start_date=datetime.date(2031, 11, 1),
        end_date=datetime.date(2031, 11, 30),
        referencing_closes_on=datetime.date(2031, 10, 15),
    )
    organization = Organization.objects.create(name="Préfecture", slug="prefecture")
    return {"edition": edition, "organization": organization}


# Serialized rollback: the flush after a plain transactional test re-creates the content
# types, which the next serialized-rollback test would then load a second time.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_copies_each_events_place_onto_its_sessions_without_loss():
    apps = _migrate(BEFORE)
    Event = apps.get_model("events", "Event")
    EventSession = apps.get_model("events", "EventSession")
    common = _edition_and_organization(apps)
    hybrid = Event.objects.create(
        **common,
        title="Hybride",
        slug="hybride",
        attendance_mode="hybrid",
        venue_name="Salle des fêtes",
        address="1 place de la Mairie",
        postal_code="35000",
        city="Rennes",
        department="35",
        region="53",
        online_url="https://visio.example.gouv.fr/hybride",
    )
    for day in (16, 21):
        EventSession.objects.create(event=hybrid, date=datetime.date(2031, 11, day))
    online = Event.objects.create(
        **common,
        title="Webinaire",
        slug="webinaire",
        attendance_mode="online",
        online_url="https://visio.example.gouv.fr/w",
    )
    EventSession.objects.create(event=online, date=datetime.date(2031, 11, 16))
    without_session = Event.objects.create(
        **common, title="Sans séance", slug="sans-seance", city="Brest", department="29"
    )

    apps = _migrate(AFTER)

    Event = apps.get_model("events", "Event")
    EventSession = apps.get_model("events", "EventSession")
    sessions = list(EventSession.objects.filter(event_id=hybrid.pk).order_by("date"))
    assert len(sessions) == 2
    for session in sessions:
        assert (
            session.attendance_mode,
            session.venue_name,
            session.address,
            session.postal_code,
            session.city,
            session.department,
            session.online_url,
            session.online_url_public,
        ) == (
            "hybrid",
            "Salle des fêtes",
            "1 place de la Mairie",
            "35000",
            "Rennes",
            "35",
            "https://visio.example.gouv.fr/hybride",
            True,  # it was public before: it stays so
        )
    webinar = EventSession.objects.get(event_id=online.pk)
    assert (webinar.attendance_mode, webinar.city, webinar.online_url) == (
        "online",
        "",
        "https://visio.example.gouv.fr/w",
    )
    # Nothing is removed from the events: the one without sessions keeps its place.
    kept = Event.objects.get(pk=without_session.pk)
    assert (kept.city, kept.department) == ("Brest", "29")
    assert Event.objects.get(pk=hybrid.pk).online_url == "https://visio.example.gouv.fr/hybride"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_notes_the_other_departments_of_an_event_on_tour():
    apps = _migrate([("events", "0018_event_edition_updated_idx")])
    Event = apps.get_model("events", "Event")
    EventSession = apps.get_model("events", "EventSession")
    common = _edition_and_organization(apps)
    tour = Event.objects.create(**common, title="Tournée", slug="tournee", department="35")
    for day, department, mode in [
        (16, "35", "in_person"),
        (18, "", "online"),
        (21, "44", "hybrid"),
        (24, "29", "in_person"),
        (25, "44", "in_person"),
    ]:
        EventSession.objects.create(
            event=tour,
            date=datetime.date(2031, 11, day),
            department=department,
            attendance_mode=mode,
        )
    at_home = Event.objects.create(**common, title="Sur place", slug="sur-place", department="35")
    for day in (16, 17):
        EventSession.objects.create(
            event=at_home, date=datetime.date(2031, 11, day), department="35"
        )

    apps = _migrate([("events", "0019_events_on_tour")])

    Event = apps.get_model("events", "Event")
    assert Event.objects.get(pk=tour.pk).other_departments == "29 44"
    assert Event.objects.get(pk=at_home.pk).other_departments == ""
