"""The event form's sessions: each with its mode, its place or its online link."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from events.editing import event_duplicate
from events.enums import RegistrationMode
from events.models import Event, EventSession
from tests.admin_forms import resubmit_data, with_session
from tests.factories import EditionFactory, EventFactory, UserFactory
from tests.organizer_space.forms import event_form_data

CREATE_URL = reverse("organizers:event_create")


def _day(edition, offset):
    return (edition.start_date + datetime.timedelta(days=offset)).isoformat()


def test_event_form_saves_a_webinar_then_a_workshop(member_client, open_edition):
    data = event_form_data(
        sessions=[
            {
                "date": _day(open_edition, 1),
                "attendance_mode": "online",
                "online_url": "https://webinaire.example.gouv.fr/16",
                "online_note": "Le lien sera envoyé aux inscrits la veille.",
            },
            {
                "date": _day(open_edition, 6),
                "attendance_mode": "in_person",
                "venue_name": "Tiers-lieu",
                "address": "12 rue de la Paix",
                "postal_code": "35000",
                "city": "Rennes",
                "department": "35",
            },
        ]
    )

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.attendance_mode, event.city, event.region) == ("hybrid", "Rennes", "53")
    webinar, workshop = event.sessions.all()
    assert (webinar.online_url, webinar.online_url_public) == (
        "https://webinaire.example.gouv.fr/16",
        False,
    )
    assert workshop.postal_address == "12 rue de la Paix, 35000 Rennes"


def test_session_errors_are_french_per_mode_and_nothing_typed_is_lost(member_client, open_edition):
    data = event_form_data(
        description="Une description que l’on ne veut pas perdre.",
        sessions=[
            {
                "date": _day(open_edition, 1),
                "attendance_mode": "online",
                "online_url_public": "on",  # shown publicly, but which link?
                "online_note": "Salle virtuelle",
                # Typed before switching to online: not validated, not an error.
                "postal_code": "abc",
            },
            {
                "date": _day(open_edition, 6),
                "attendance_mode": "in_person",
                "city": "Rennes",
                "postal_code": "3500",
                "online_url": "pas-une-adresse",  # not validated in person
            },
            {
                "date": _day(open_edition, 7),
                "attendance_mode": "hybrid",
                "postal_code": "29200",
                "department": "35",
                "online_url": "https://visio.example.gouv.fr/x",
            },
        ],
    )

    response = member_client.post(CREATE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert html.count("Indiquez le lien à afficher, ou décochez") == 2  # inline + summary
    assert "Indiquez un code postal à 5 chiffres, par exemple 35000." in html
    assert (
        "Le code postal 29200 n’est pas dans le département choisi (Ille-et-Vilaine)\u00a0: "
        "vérifiez l’un ou l’autre."
    ) in html
    assert 'aria-describedby="id_sessions-1-postal_code-desc-error"' in html
    assert "Saisissez une URL valide" not in html
    assert "Une description que l’on ne veut pas perdre." in html
    for kept in ['value="Salle virtuelle"', 'value="3500"', 'value="Rennes"', 'value="29200"']:
        assert kept in html
    assert 'value="https://visio.example.gouv.fr/x"' in html


def test_session_rows_say_where_without_javascript(member_client, open_edition):
    html = member_client.get(CREATE_URL).content.decode()

    assert 'name="sessions-0-attendance_mode"' in html
    assert 'data-show-if="sessions-0-attendance_mode"' in html
    assert 'data-show-if="sessions-__prefix__-attendance_mode"' in html  # the JS template
    for label in ["Modalité de la séance", "Nom du lieu", "Lien de connexion ou de diffusion"]:
        assert label in html
    assert "Afficher le lien publiquement sur la page de l’événement" in html


def test_a_duplicate_from_a_past_edition_keeps_its_place_for_its_first_session(
    member_client, open_edition, organization, member
):
    past = EditionFactory(year=2021, is_current=False)
    source = EventFactory(
        edition=past,
        organization=organization,
        venue_name="Tiers-lieu",
        address="12 rue de la Paix",
        postal_code="35000",
        city="Rennes",
        department="35",
    )

    copy = event_duplicate(event=source, user=member, edition=open_edition)

    assert not copy.sessions.exists()
    assert (copy.city, copy.department) == ("Rennes", "35")
    html = member_client.get(reverse("organizers:event_update", args=[copy.pk])).content.decode()
    assert 'name="sessions-0-city"' in html and 'value="Rennes"' in html
    assert 'value="12 rue de la Paix"' in html


# On-platform registration: the mode, and each session's places, waiting list and closing.


def _platform_event(organization, edition, **session):
    event = EventFactory(
        edition=edition,
        organization=organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
    )
    EventSession.objects.filter(event=event).update(**session)
    return event


def _rows_of(event, **changes) -> list[dict]:
    return [
        {
            "id": str(s.pk),
            "date": s.date.isoformat(),
            "start_time": s.start_time.strftime("%H:%M") if s.start_time else "",
            "capacity": "" if s.capacity is None else str(s.capacity),
            "waiting_list": "on" if s.waiting_list else "",
            "attendance_mode": "online",
            "online_url": "https://webinaire.example.gouv.fr/16",
            **changes,
        }
        for s in event.sessions.all()
    ]


def test_event_form_offers_platform_registration_with_places_per_session(
    member_client, open_edition
):
    html = member_client.get(CREATE_URL).content.decode()
    assert 'value="platform"' in html and "Inscription sur la plateforme" in html
    # Without JavaScript the fields show; with it, only for « Inscription sur la plateforme ».
    assert 'data-show-if="registration_mode" data-show-values="platform"' in html
    for label in ["Nombre de places", "Liste d’attente", "Clôture des inscriptions"]:
        assert label in html
    assert re.search(r'<input[^>]*name="sessions-0-waiting_list"[^>]*checked', html)  # by default

    data = event_form_data(
        registration_mode="platform",
        sessions=[
            {
                "date": _day(open_edition, 1),
                "start_time": "14:00",
                "capacity": "30",
                "waiting_list": "on",
                "registration_closes_at": f"{_day(open_edition, 0)}T18:00",
            },
            {"date": _day(open_edition, 2), "capacity": ""},  # unlimited, no waiting list
        ],
    )
    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.registration_mode == RegistrationMode.PLATFORM
    first, second = event.sessions.all()
    assert (first.capacity, first.waiting_list) == (30, True)
    closes = timezone.localtime(first.registration_closes_at)
    assert (closes.date().isoformat(), closes.hour, str(closes.tzinfo)) == (
        _day(open_edition, 0),
        18,
        "Europe/Paris",
    )
    assert (second.capacity, second.waiting_list, second.registration_closes_at) == (
        None,
        False,
        None,
    )


def test_places_cannot_go_below_the_people_already_registered(
    member_client, organization, open_edition
):
    event = _platform_event(organization, open_edition, capacity=20)
    session = event.sessions.get()
    EventSession.objects.filter(pk=session.pk).update(seats_taken=12)
    data = event_form_data(
        registration_mode="platform",
        description="Un déroulé que l’on ne veut pas perdre.",
        sessions=_rows_of(event, capacity="10"),
    )

    response = member_client.post(reverse("organizers:event_update", args=[event.pk]), data)

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert (
        "12 personnes sont déjà inscrites : indiquez au moins 12 places, ou annulez des "
        "inscriptions depuis la page des inscriptions."
    ) in page
    assert "Un déroulé que l’on ne veut pas perdre." in page
    session.refresh_from_db()
    assert session.capacity == 20


def test_closing_after_the_start_and_nonsense_places_are_refused_in_french(
    member_client, open_edition
):
    day = _day(open_edition, 1)
    data = event_form_data(
        registration_mode="platform",
        sessions=[
            {
                "date": day,
                "start_time": "10:00",
                "capacity": "0",
                "registration_closes_at": f"{day}T10:30",
            },
            {"date": day, "capacity": "trente", "registration_closes_at": "demain"},
            {"date": day, "capacity": "1000000"},
        ],
    )

    response = member_client.post(CREATE_URL, data)

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "La clôture des inscriptions doit précéder le début de la séance" in page
    assert "à 10 h)" in page
    assert "Indiquez au moins 1 place, ou laissez vide : places illimitées." in page
    assert "Indiquez le nombre de places en chiffres, par exemple 30." in page
    assert "Indiquez la date et l’heure de clôture, par exemple 14/11/2026 18:00." in page
    assert "Indiquez au plus 100 000 places." in page
    assert 'value="trente"' in page  # what was typed comes back


def test_rescheduling_keeps_the_places_of_a_platform_event(
    member_client, organization, open_edition
):
    event = _platform_event(organization, open_edition, capacity=25, waiting_list=False)
    url = reverse("organizers:event_schedule", args=[event.pk])

    html = member_client.get(url).content.decode()
    assert 'name="sessions-0-capacity"' in html
    assert 'data-show-if="registration_mode"' not in html  # no mode to choose on this page

    other = EventFactory(edition=open_edition, organization=organization, published=True)
    html = member_client.get(reverse("organizers:event_schedule", args=[other.pk])).content.decode()
    assert 'name="sessions-0-capacity"' not in html


def test_deleting_a_session_says_its_registrations_will_be_cancelled(
    member_client, organization, open_edition
):
    event = _platform_event(organization, open_edition, capacity=20, seats_taken=4)

    html = member_client.get(reverse("organizers:event_update", args=[event.pk])).content.decode()

    assert "Ses 4 inscriptions seront annulées et les personnes prévenues par courriel." in html
    assert "Déjà 4 inscriptions" in " ".join(html.split())


def test_the_admin_inline_keeps_the_places_above_the_seats_taken(
    client, organization, open_edition
):
    event = _platform_event(organization, open_edition, capacity=20, seats_taken=12)
    client.force_login(UserFactory(moderator=True))
    url = reverse("admin:events_event_change", args=[event.pk])
    data = with_session(resubmit_data(client.get(url)), capacity="5")

    response = client.post(url, data)

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "12 personnes sont déjà inscrites : indiquez au moins 12 places" in page
    assert EventSession.objects.get(event=event).capacity == 20
