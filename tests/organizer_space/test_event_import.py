"""« Importer un événement »: a calendar (.ics, from the common calendar programs) or an
OpenAgenda event becomes a draft of the organiser's organisation, which they review and submit
as usual. Re-importing updates the draft; hostile or broken sources import nothing."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events.enums import AttendanceMode, EventStatus, RegistrationMode
from events.models import Event
from tests.factories import EventFactory, MembershipFactory
from tests.http_server import LocalServer

DATA = Path(__file__).parents[1] / "events/data/imports"
IMPORT = reverse("organizers:event_import")
T = datetime.time


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def upload(client, organization, content: bytes, *, name="agenda.ics", follow=False, **data):
    data = {"source": "ics", "ics_mode": "sessions", **data}
    data["file"] = SimpleUploadedFile(name, content, content_type="text/calendar")
    return client.post(f"{IMPORT}?organisation={organization.slug}", data, follow=follow)


def post(client, organization, follow=False, **data):
    return client.post(f"{IMPORT}?organisation={organization.slug}", data, follow=follow)


def sessions_of(event: Event) -> list[tuple]:
    return [(s.date, s.start_time, s.end_time) for s in event.sessions.order_by("date")]


def page_errors(response) -> str:
    return response.content.decode()


@pytest.fixture
def importing(member_client, organization, open_edition):
    return member_client


# --- Calendars from the common programs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "title", "sessions", "mode", "city"),
    [
        (
            "apple.ics",
            "Journée « Testez nos services »",
            [(datetime.date(2026, 11, 20), T(9), T(17))],
            AttendanceMode.IN_PERSON,
            "Nantes",
        ),
        (
            "thunderbird.ics",
            "Forum des innovateurs publics de Lyon",
            [(datetime.date(2026, 11, 25), T(18, 30), T(21))],
            AttendanceMode.IN_PERSON,
            "Lyon",
        ),
        (  # Outlook names its zone "Romance Standard Time" (Windows): Paris.
            "outlook.ics",
            "Restitution de la consultation des agents",
            [(datetime.date(2026, 11, 24), T(10), T(11, 30))],
            AttendanceMode.ONLINE,
            "",
        ),
        (  # Hours in UTC ("Z"): 8:00Z is 9:00 in Paris in November, 7:00Z is 9:00 in June.
            "utc.ics",
            "Petit-déjeuner de l'innovation (heure d'hiver)",
            [(datetime.date(2026, 6, 16), T(9), T(11)), (datetime.date(2026, 11, 17), T(9), T(11))],
            AttendanceMode.IN_PERSON,
            "Paris",
        ),
        (  # All day, two days (DTEND is exclusive): two sessions without times.
            "all_day.ics",
            "Hackathon « Données ouvertes et territoires »",
            [(datetime.date(2026, 11, 18), None, None), (datetime.date(2026, 11, 19), None, None)],
            AttendanceMode.IN_PERSON,
            "Rennes",
        ),
        (  # Weekly on Tuesdays until the 24th, minus an EXDATE, one occurrence moved.
            "recurring.ics",
            "Café des usagers",
            [
                (datetime.date(2026, 11, 3), T(10), T(11, 30)),
                (datetime.date(2026, 11, 17), T(14), T(15, 30)),
                (datetime.date(2026, 11, 24), T(10), T(11, 30)),
            ],
            AttendanceMode.IN_PERSON,
            "Rennes",
        ),
    ],
)
def test_a_calendar_becomes_one_draft_with_its_sessions_in_paris_time(
    importing, organization, member, fixture, title, sessions, mode, city
):
    response = upload(importing, organization, read(fixture))

    event = Event.objects.get(organization=organization)
    assert response.status_code == 302
    assert response.url == reverse("organizers:event_update", args=[event.pk])
    assert event.status == EventStatus.DRAFT
    assert event.title == title
    assert sessions_of(event) == sessions
    assert event.attendance_mode == mode
    assert event.city == city
    assert event.import_source == "ics"
    assert event.created_by == member


def test_a_google_calendar_export_keeps_place_department_and_plain_text(importing, organization):
    upload(importing, organization, read("google_calendar.ics"), ics_mode="events")

    atelier = Event.objects.get(title="Atelier « Simplifier l'accueil des usagers »")
    assert sessions_of(atelier) == [(datetime.date(2026, 11, 16), T(9, 30), T(12, 30))]
    assert atelier.venue_name == "Préfecture d'Ille-et-Vilaine"
    assert atelier.address == "3 Avenue de la Préfecture"
    assert (atelier.postal_code, atelier.city) == ("35000", "Rennes")
    assert (atelier.department, atelier.region) == ("35", "53")
    assert atelier.description.startswith("Atelier de design de service avec les agents")
    assert "- parcours usager\n- prototypage papier" in atelier.description
    assert "<" not in atelier.description
    assert atelier.import_uid == "4q0s1cq1v8l0m2hqf6ue5tg0pk@google.com"
    webinar = Event.objects.get(title="Webinaire : le design des formulaires")
    assert webinar.attendance_mode == AttendanceMode.ONLINE
    # The link is the session's, kept private until the organiser chooses to show it.
    session = webinar.sessions.get()
    assert session.online_url == "https://meet.google.com/abc-defg-hij"
    assert not session.online_url_public and webinar.online_url == ""


def test_the_outlook_teams_link_becomes_the_online_link(importing, organization):
    upload(importing, organization, read("outlook.ics"))

    event = Event.objects.get()
    assert event.sessions.get().online_url.startswith("https://teams.microsoft.com/l/meetup-join/")


def test_the_draft_form_lists_what_was_imported_and_what_to_complete(importing, organization):
    response = upload(importing, organization, read("thunderbird.ics"), follow=True)

    html = response.content.decode()
    assert "Événement importé en brouillon" in html
    assert "Repris de la source" in html and "1 séance (25 novembre 2026)" in html
    assert "À compléter avant de le soumettre" in html
    assert "Choisissez le format de l’événement" in html
    assert "Rédigez le résumé" in html
    # Shown once: the next visit is the ordinary form.
    again = importing.get(reverse("organizers:event_update", args=[Event.objects.get().pk]))
    assert "Événement importé en brouillon" not in again.content.decode()


def test_each_event_of_a_calendar_may_become_its_own_draft(importing, organization):
    response = upload(importing, organization, read("google_calendar.ics"), ics_mode="events")

    assert response.url == reverse("organizers:dashboard")
    assert Event.objects.filter(organization=organization).count() == 2
    page = importing.get(response.url).content.decode()
    assert "2 brouillons créés" in page


def test_the_events_of_a_calendar_may_become_the_sessions_of_one(importing, organization):
    upload(importing, organization, read("google_calendar.ics"), ics_mode="sessions")

    event = Event.objects.get()
    assert event.title == "Atelier « Simplifier l'accueil des usagers »"
    assert sessions_of(event) == [
        (datetime.date(2026, 11, 16), T(9, 30), T(12, 30)),
        (datetime.date(2026, 11, 19), T(14), T(15, 30)),
    ]
    assert event.attendance_mode == AttendanceMode.HYBRID  # a place and a Meet link


def test_an_endless_recurrence_is_refused_clearly(importing, organization):
    response = upload(importing, organization, read("recurring_endless.ics"))

    assert response.status_code == 200
    assert "se répète sans fin" in response.content.decode()
    assert not Event.objects.exists()


# --- Importing again -----------------------------------------------------------------------------


def test_importing_again_updates_the_draft_and_keeps_what_the_organiser_completed(
    importing, organization, atelier
):
    upload(importing, organization, read("thunderbird.ics"))
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(format=atelier, private_contact_email="a@b.gouv.fr")
    changed = (
        read("thunderbird.ics")
        .replace(b"T183000", b"T190000")
        .replace(b"SUMMARY:Forum", b"SUMMARY:Grand forum")
    )

    response = upload(importing, organization, changed, follow=True)

    event = Event.objects.get()
    assert event.title == "Grand forum des innovateurs publics de Lyon"
    assert sessions_of(event) == [(datetime.date(2026, 11, 25), T(19), T(21))]
    assert event.format == atelier
    assert event.private_contact_email == "a@b.gouv.fr"
    assert "Brouillon mis à jour depuis la source" in response.content.decode()


def test_an_imported_event_no_longer_a_draft_is_left_untouched(importing, organization):
    upload(importing, organization, read("thunderbird.ics"))
    Event.objects.update(status=EventStatus.SUBMITTED)
    changed = read("thunderbird.ics").replace(b"SUMMARY:Forum", b"SUMMARY:Autre forum")

    response = upload(importing, organization, changed, follow=True)

    event = Event.objects.get()
    assert event.title == "Forum des innovateurs publics de Lyon"
    assert event.status == EventStatus.SUBMITTED
    assert "n’est plus un brouillon" in response.content.decode()


def test_two_organisations_importing_the_same_calendar_get_their_own_drafts(
    importing, organization
):
    other = MembershipFactory()
    client = Client()
    client.force_login(other.user)
    upload(importing, organization, read("apple.ics"))

    upload(client, other.organization, read("apple.ics"))

    assert Event.objects.filter(organization=organization).count() == 1
    assert Event.objects.filter(organization=other.organization).count() == 1


# --- OpenAgenda ----------------------------------------------------------------------------------


def test_an_openagenda_event_pasted_becomes_a_complete_draft(importing, organization):
    response = post(
        importing,
        organization,
        follow=True,
        source="openagenda",
        text=read("openagenda_event.json").decode(),
    )

    event = Event.objects.get()
    assert event.title == "La fresque des services publics numériques"
    assert event.summary.startswith("Un atelier collaboratif de trois heures")
    assert "reconstituent le parcours" in event.description
    assert "alert" not in event.description and "<script" not in event.description
    assert "Conditions\u00a0: Gratuit, sur inscription." in event.description
    assert event.attendance_mode == AttendanceMode.HYBRID
    assert (event.venue_name, event.address) == ("Hôtel de Région", "283 Avenue du Général Patton")
    assert (event.postal_code, event.city, event.department) == ("35000", "Rennes", "35")
    assert all(
        session.online_url.startswith("https://webinaire.numerique.gouv.fr/")
        and session.city == "Rennes"
        for session in event.sessions.all()
    )
    assert event.registration_mode == RegistrationMode.LINK
    assert event.registration_url.startswith("https://www.demarches-simplifiees.fr/")
    assert event.accessible_wheelchair
    assert sessions_of(event) == [
        (datetime.date(2026, 11, 18), T(9, 30), T(12, 30)),
        (datetime.date(2026, 11, 25), T(14, 30), T(17, 30)),
    ]
    assert (event.import_source, event.import_uid) == ("openagenda", "41827365")
    html = response.content.decode()
    assert "handicap auditif" in html  # to be specified by the organiser
    assert "inscription par téléphone" in html


def test_an_openagenda_event_imported_again_updates_its_draft(importing, organization):
    payload = json.loads(read("openagenda_event.json"))
    post(importing, organization, source="openagenda", text=json.dumps(payload))
    payload["event"]["title"]["fr"] = "La fresque, deuxième édition"

    post(importing, organization, source="openagenda", text=json.dumps(payload))

    assert Event.objects.get().title == "La fresque, deuxième édition"


def test_an_openagenda_event_is_fetched_from_its_url_without_keeping_the_api_key(
    importing, organization, settings
):
    settings.IMPORT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    with LocalServer() as server:
        server.serve("/v2/agendas/83416223/events/41827365", read("openagenda_event.json"))
        url = server.url("/v2/agendas/83416223/events/41827365?key=secret123&lang=fr")

        post(importing, organization, source="openagenda", url=url)

    event = Event.objects.get()
    assert event.import_url == server.url("/v2/agendas/83416223/events/41827365?lang=fr")
    assert "secret123" not in event.import_url


def test_a_calendar_is_fetched_from_its_url_when_the_host_is_allowed(
    importing, organization, settings
):
    settings.IMPORT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    with LocalServer() as server:
        server.serve("/agenda.ics", read("recurring.ics"))

        upload_response = post(importing, organization, source="ics", url=server.url("/agenda.ics"))

    event = Event.objects.get()
    assert upload_response.status_code == 302
    assert len(sessions_of(event)) == 3
    assert event.import_url == server.url("/agenda.ics")


def test_a_url_to_our_own_network_is_refused_by_default(importing, organization):
    with LocalServer() as server:
        server.serve("/agenda.ics", read("recurring.ics"))

        response = post(importing, organization, source="ics", url=server.url("/agenda.ics"))

    assert response.status_code == 200
    assert "réseau privé ou réservé" in response.content.decode()
    assert server.requests == []
    assert not Event.objects.exists()


def test_a_cloud_metadata_url_is_refused(importing, organization):
    response = post(
        importing, organization, source="ics", url="http://169.254.169.254/latest/meta-data/"
    )

    assert "réseau privé ou réservé" in response.content.decode()
    assert not Event.objects.exists()


# --- Hostile and broken sources ------------------------------------------------------------------


def vevent(number: int, *, start="20261116T100000", summary=None) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:event-{number}@example.org\r\n"
        f"DTSTART;TZID=Europe/Paris:{start}\r\n"
        f"SUMMARY:{summary or f'Atelier {number}'}\r\n"
        "END:VEVENT\r\n"
    )


def calendar(*vevents: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{''.join(vevents)}END:VCALENDAR\r\n".encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n’est pas un calendrier iCalendar"),
        (b"<html><body>Mon agenda</body></html>", "n’est pas un calendrier iCalendar"),
        (b"", "Le fichier est vide"),
        (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\n", "aucun événement"),
    ],
)
def test_a_file_that_is_not_icalendar_gets_a_french_error(
    importing, organization, content, message
):
    response = upload(importing, organization, content)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Erreur\u00a0: Importer un événement" in html
    assert message in html
    assert not Event.objects.exists()


def test_a_ten_megabyte_file_is_refused(importing, organization):
    content = calendar(vevent(1)) + b"X" * (10 * 1024 * 1024)

    response = upload(importing, organization, content)

    assert "Le fichier dépasse 2 Mo" in response.content.decode()
    assert not Event.objects.exists()


def test_a_calendar_of_five_thousand_events_is_refused(importing, organization):
    content = calendar(*(vevent(n) for n in range(5000)))

    response = upload(importing, organization, content, ics_mode="events")

    assert "Ce calendrier contient 5\u202f000 événements" in response.content.decode()
    assert not Event.objects.exists()


def test_an_invalid_date_imports_nothing_not_even_the_valid_events(importing, organization):
    content = calendar(vevent(1), vevent(2), vevent(3, start="20261345T250000"))

    response = upload(importing, organization, content, ics_mode="events")

    html = response.content.decode()
    assert (
        "«\u00a0Atelier 3\u00a0»\u00a0: «\u00a020261345T250000\u00a0» n’est pas une date valide"
    ) in html
    assert not Event.objects.exists()


def test_a_rate_limit_reached_midway_imports_nothing(importing, organization, settings):
    settings.EVENT_CREATE_RATE_LIMIT = "2/h/user,50/h/organization"
    content = calendar(vevent(1), vevent(2), vevent(3))

    response = upload(importing, organization, content, ics_mode="events")

    assert response.status_code == 429
    assert "Rien n’a été importé" in response.content.decode()
    assert not Event.objects.exists()


def test_script_in_a_summary_is_stored_as_plain_text_and_escaped(importing, organization):
    content = calendar(
        vevent(
            1,
            summary=(
                "<script>alert(1)</script>Atelier <b>agile</b> &lt;img src=x onerror=alert(2)&gt;"
            ),
        )
    )

    response = upload(importing, organization, content, follow=True)

    event = Event.objects.get()
    assert event.title == "Atelier agile"
    assert "<script>alert" not in response.content.decode()
    assert "onerror" not in response.content.decode()


def test_a_pasted_text_that_is_not_openagenda_json_gets_a_french_error(importing, organization):
    for text, message in [
        ("{not json", "n’est pas du JSON valide"),
        ('{"title": {"fr": "Sans uid ni horaires"}}', "n’est pas un événement OpenAgenda"),
        ('{"events": [{"uid": 1}, {"uid": 2}]}', "contient 2 événements"),
        ("[" * 100000, "n’est pas du JSON valide"),
    ]:
        response = post(importing, organization, source="openagenda", text=text)

        assert message in response.content.decode()
    assert not Event.objects.exists()


def test_no_source_or_two_sources_get_a_french_error(importing, organization):
    nothing = post(importing, organization, source="ics")
    both = upload(importing, organization, read("apple.ics"), url="https://exemple.fr/a.ics")

    assert "Choisissez un fichier, indiquez une adresse ou collez" in nothing.content.decode()
    assert "Indiquez une seule source" in both.content.decode()
    assert not Event.objects.exists()


# --- Who may import ------------------------------------------------------------------------------


def test_importing_for_another_organisation_is_a_404(importing, organization):
    other = MembershipFactory().organization

    page = importing.get(f"{IMPORT}?organisation={other.slug}")
    response = upload(importing, other, read("apple.ics"))

    assert page.status_code == 404
    assert response.status_code == 404
    assert not Event.objects.exists()


def test_another_organisations_imported_event_is_never_updated(importing, organization):
    other = MembershipFactory().organization
    theirs = EventFactory(
        organization=other,
        edition=Event._meta.get_field("edition").related_model.objects.get(is_current=True),
        title="Leur forum",
        import_source="ics",
        import_uid="a3e0c5f2-7d1b-4b8e-9f61-2c4d8e1f0a97",
    )

    upload(importing, organization, read("thunderbird.ics"))

    theirs.refresh_from_db()
    assert theirs.title == "Leur forum"
    assert Event.objects.filter(organization=organization).count() == 1


def test_the_import_page_needs_a_login(client, organization, open_edition):
    response = client.get(f"{IMPORT}?organisation={organization.slug}")

    assert response.status_code == 302
    assert "login" in response.url or "connexion" in response.url


def test_the_dashboard_and_the_new_event_form_link_to_the_import(importing, organization):
    dashboard = importing.get(reverse("organizers:dashboard")).content.decode()
    form = importing.get(
        f"{reverse('organizers:event_create')}?organisation={organization.slug}"
    ).content.decode()
    page = importing.get(f"{IMPORT}?organisation={organization.slug}")

    link = f"{IMPORT}?organisation={organization.slug}"
    assert link in dashboard
    assert link in form
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_the_import_is_closed_with_the_referencing(member_client, organization, closed_edition):
    response = upload(member_client, organization, read("apple.ics"))

    assert "Le référencement est fermé" in response.content.decode()
    assert not Event.objects.exists()


def test_an_openagenda_state_is_reported_not_applied_to_the_draft(importing, organization):
    payload = json.loads(read("openagenda_event.json"))
    payload["event"]["status"] = 5  # « complet » on OpenAgenda

    response = post(
        importing, organization, follow=True, source="openagenda", text=json.dumps(payload)
    )

    event = Event.objects.get()
    assert event.status == "draft" and event.schedule_status == "scheduled"
    assert "comme « complet »" in response.content.decode()


def test_the_events_of_a_calendar_keep_their_own_place_as_sessions_of_one(importing, organization):
    """A webinar and a workshop in Rennes, imported as the sessions of one event: each session
    keeps where its calendar entry is, and the event is hybrid."""
    upload(importing, organization, read("google_calendar.ics"), ics_mode="sessions")

    event = Event.objects.get()
    workshop, webinar = event.sessions.order_by("date")
    assert (workshop.attendance_mode, workshop.city, workshop.department) == (
        AttendanceMode.IN_PERSON,
        "Rennes",
        "35",
    )
    assert workshop.online_url == ""
    assert webinar.attendance_mode == AttendanceMode.ONLINE
    assert (webinar.city, webinar.online_url) == ("", "https://meet.google.com/abc-defg-hij")
    assert event.attendance_mode == AttendanceMode.HYBRID
    assert (event.city, event.department) == ("Rennes", "35")
