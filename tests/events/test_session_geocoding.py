"""In-person sessions are located by the task worker when an organiser saves an address:
the national address service (a local fake here), else the commune's centre, else the
department's, and again when the address changes."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from events.editing import event_update
from events.enums import AttendanceMode, LocationPrecision
from events.models import EventSession
from events.sessions import session_address, session_geocode, session_place_confirm
from moisinno.geography import department_centre
from tests.factories import EventFactory, MembershipFactory
from tests.geocoding_server import Reply

# The worker closes the connection outside autocommit: real transactions (see test_notifications).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@pytest.fixture
def scene(transactional_db, edition):
    organizer = MembershipFactory().user
    event = EventFactory(
        edition=edition,
        organization=organizer.memberships.get().organization,
        address="",
        postal_code="",
        city="Rennes",
        department="35",
    )
    return organizer, event


def save_address(event, user, **place):
    """The organiser saves the session's place (each session has its own, events.sessions)."""
    return event_update(event=event, user=user, fields={}, sessions=[session_data(event, **place)])


def session_data(event, **changes) -> dict:
    session = session_of(event)
    keys = ["id", "date", "start_time", "end_time", "attendance_mode", "venue_name", "address"]
    keys += ["postal_code", "city", "department", "online_url", "online_url_public"]
    return {**{key: getattr(session, key if key != "id" else "pk") for key in keys}, **changes}


def session_of(event) -> EventSession:
    return EventSession.objects.get(event=event)


def test_saving_an_address_queues_the_worker_which_places_the_session(scene, geocoder):
    organizer, event = scene
    geocoder.answer("housenumber")

    save_address(event, organizer, address="20 avenue de Ségur", postal_code="75007", city="Paris")

    session = session_of(event)
    assert not session.is_located  # the form never waits for the service
    assert DBTaskResult.objects.filter(task_path="events.tasks.geocode_session").count() == 1
    run_worker()

    session = session_of(event)
    assert (session.latitude, session.longitude) == (Decimal("48.850699"), Decimal("2.308628"))
    assert session.location_precision == LocationPrecision.ADDRESS
    assert not session.is_approximate
    assert session.geocoded_address == "20 avenue de Ségur, 75007 Paris"
    assert session.geocoded_at is not None
    assert geocoder.requests[0]["q"] == "20 avenue de Ségur, 75007 Paris"


def test_a_weak_match_falls_back_on_the_commune_centre(scene, geocoder):
    organizer, event = scene
    geocoder.route("municipality", "municipality")  # the commune search
    geocoder.answer("low_score")  # the address itself

    save_address(event, organizer, address="Bâtiment Z porte 404", postal_code="35000")
    run_worker()

    session = session_of(event)
    assert session.location_precision == LocationPrecision.MUNICIPALITY
    assert session.is_approximate
    assert (session.latitude, session.longitude) == (Decimal("48.111339"), Decimal("-1.680020"))
    assert geocoder.requests[-1] == {
        "q": "Rennes",
        "limit": "1",
        "type": "municipality",
        "postcode": "35000",
    }


def test_a_service_down_falls_back_on_the_department_centre(scene, geocoder, settings):
    organizer, event = scene
    geocoder.answer(Reply(status=500, body=b"Internal Server Error"))

    save_address(event, organizer, address="3 avenue de la Préfecture", postal_code="35000")
    run_worker()

    session = session_of(event)
    assert session.location_precision == LocationPrecision.DEPARTMENT
    assert session.is_approximate
    latitude, longitude = department_centre("35")
    assert (float(session.latitude), float(session.longitude)) == (latitude, longitude)
    # Every attempt on the address, none on the commune: the service was down.
    assert len(geocoder.requests) == settings.GEOCODER_ATTEMPTS


def test_garbage_from_the_service_gives_an_approximate_point_too(scene, geocoder):
    organizer, event = scene
    geocoder.answer("garbage")

    save_address(event, organizer, address="3 avenue de la Préfecture", postal_code="35000")
    run_worker()

    assert session_of(event).location_precision == LocationPrecision.DEPARTMENT


def test_a_changed_address_is_located_again_an_unchanged_one_is_not(scene, geocoder):
    organizer, event = scene
    geocoder.answer("housenumber")
    event = save_address(
        event, organizer, address="20 avenue de Ségur", postal_code="75007", city="Paris"
    )
    run_worker()
    assert session_of(event).location_precision == LocationPrecision.ADDRESS

    # Another field: no new task, no new request.
    event = event_update(event=event, user=organizer, fields={"title": "Atelier renommé"})
    assert not DBTaskResult.objects.filter(status="READY").exists()

    geocoder.answer("street")
    event = save_address(
        event, organizer, address="rue de la République", postal_code="69002", city="Lyon"
    )
    run_worker()

    session = session_of(event)
    assert session.location_precision == LocationPrecision.STREET
    assert session.latitude == Decimal("45.763420")
    assert session.geocoded_address == "rue de la République, 69002 Lyon"
    assert len(geocoder.requests) == 2


def test_the_organisers_point_stays_until_the_address_changes(scene, geocoder):
    organizer, event = scene
    geocoder.answer("housenumber")
    event = save_address(
        event, organizer, address="20 avenue de Ségur", postal_code="75007", city="Paris"
    )
    run_worker()
    session_place_confirm(
        session=session_of(event),
        user=organizer,
        latitude=Decimal("48.85"),
        longitude=Decimal("2.31"),
    )
    event = event_update(event=event, user=organizer, fields={"summary": "Nouveau résumé."})
    assert session_of(event).location_precision == LocationPrecision.MANUAL
    assert session_geocode(session_id=session_of(event).pk) is None  # nothing to redo

    save_address(event, organizer, address="22 avenue de Ségur")
    run_worker()
    assert session_of(event).location_precision == LocationPrecision.ADDRESS


def test_an_event_going_online_loses_its_points(scene, geocoder):
    organizer, event = scene
    geocoder.answer("housenumber")
    event = save_address(
        event, organizer, address="20 avenue de Ségur", postal_code="75007", city="Paris"
    )
    run_worker()

    event_update(
        event=event,
        user=organizer,
        fields={},
        sessions=[
            session_data(
                event,
                attendance_mode=AttendanceMode.ONLINE,
                online_url="https://webinaire.example.gouv.fr/salle",
            )
        ],
    )

    session = session_of(event)
    assert session_address(session) == ""
    assert not session.is_located
    assert session.location_precision == ""
    assert not DBTaskResult.objects.filter(status="READY").exists()
