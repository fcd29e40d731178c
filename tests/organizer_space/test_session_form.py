"""The event form's sessions: each with its mode, its place or its online link."""

import datetime

from django.urls import reverse

from events.editing import event_duplicate
from events.models import Event
from tests.factories import EditionFactory, EventFactory
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
