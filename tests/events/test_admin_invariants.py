"""A moderator editing an event in the admin keeps the invariants the organiser form keeps."""

import datetime
import re

from django_tasks_db.models import DBTaskResult

from events.enums import AttendanceMode
from tests.admin_forms import resubmit_data, with_session
from tests.factories import EventFactory


def change_url(event) -> str:
    return f"/admin/events/event/{event.pk}/change/"


def test_admin_cannot_save_a_region_that_does_not_match_the_department(admin_client, edition):
    event = EventFactory(edition=edition, published=True, department="35", region="53")
    url = change_url(event)

    response = admin_client.post(
        url, with_session(resubmit_data(admin_client.get(url), region="11"), department="13")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.department, event.region) == ("13", "93")  # Provence-Alpes-Côte d'Azur


def test_admin_switching_an_event_online_clears_its_place(admin_client, edition):
    event = EventFactory(
        edition=edition, published=True, venue_name="Préfecture", address="3 avenue"
    )
    url = change_url(event)

    response = admin_client.post(
        url,
        with_session(
            resubmit_data(admin_client.get(url)),
            attendance_mode=AttendanceMode.ONLINE,
            online_url="https://webinaire.example.gouv.fr/salle",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.attendance_mode == AttendanceMode.ONLINE
    assert (event.venue_name, event.address, event.city, event.department, event.region) == (
        ("", "", "", "", "")
    )
    session = event.sessions.get()
    assert (session.venue_name, session.city, session.department) == ("", "", "")
    assert session.online_url == "https://webinaire.example.gouv.fr/salle"


def test_admin_session_ending_before_it_starts_gets_the_same_message(admin_client, edition):
    event = EventFactory(edition=edition, published=True)
    url = change_url(event)
    data = resubmit_data(admin_client.get(url))
    prefix = next(key for key in data if key.endswith("-0-start_time")).removesuffix("start_time")
    data[f"{prefix}start_time"] = datetime.time(14).isoformat()
    data[f"{prefix}end_time"] = datetime.time(9).isoformat()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "L’heure de fin doit suivre l’heure de début." in response.content.decode()


def test_admin_changing_a_session_address_queues_its_location(admin_client, edition):
    event = EventFactory(edition=edition, published=True, address="3 avenue de la Préfecture")
    url = change_url(event)

    response = admin_client.post(
        url,
        with_session(
            resubmit_data(admin_client.get(url)),
            address="20 avenue de Ségur",
            postal_code="75007",
            city="Paris",
            department="75",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    # The task worker locates it: the moderator's save never waits for the address service.
    queued = DBTaskResult.objects.filter(task_path="events.tasks.geocode_session")
    assert list(queued.values_list("args_kwargs__args", flat=True)) == [[event.sessions.get().pk]]


def test_every_cell_of_the_admin_sessions_table_is_named(admin_client, edition):
    """A table cell is not a label: each field of a session row says what it is."""

    event = EventFactory(edition=edition, published=True)
    html = admin_client.get(change_url(event)).content.decode()

    fields = re.findall(r'<(?:input|select|textarea)[^>]*name="sessions-0-[^"]+"[^>]*>', html)
    visible = [tag for tag in fields if 'type="hidden"' not in tag]
    assert len(visible) >= 12
    assert [tag for tag in visible if "aria-label=" not in tag] == []
    assert 'aria-label="Modalité de la séance 1"' in html
