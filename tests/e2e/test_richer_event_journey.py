"""Issue 12's journey in a real browser: an organiser imports an .ics exported from their
calendar (a webinar, then a workshop in Rennes), completes the draft with an image and its
alt text, places the workshop on the map, submits it; the DITP publishes it and the public
page shows the image, each session's place and the map. axe-core and the Nu HTML checker
scan every new page of the way."""

import datetime
import io
import re

import pytest
from allauth.account.models import EmailAddress
from PIL import Image
from playwright.sync_api import Page, expect

from events import services
from events.enums import AttendanceMode, EventStatus, LocationPrecision
from events.models import Event, Format
from tests.e2e.conftest import open_edition
from tests.e2e.scan import scan
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def calendar_export(webinar: datetime.date, workshop: datetime.date) -> bytes:
    """What Google Agenda exports: a webinar with its Meet link, a workshop at an address."""
    return (
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "VERSION:2.0\r\n"
        "X-WR-TIMEZONE:Europe/Paris\r\n"
        "BEGIN:VEVENT\r\n"
        f"DTSTART;TZID=Europe/Paris:{webinar:%Y%m%d}T100000\r\n"
        f"DTEND;TZID=Europe/Paris:{webinar:%Y%m%d}T113000\r\n"
        "UID:webinaire-falc@google.com\r\n"
        "SUMMARY:Écrire facile à lire et à comprendre\r\n"
        "DESCRIPTION:Un webinaire puis un atelier pour apprendre le FALC avec des usa\r\n"
        " gers.\\n\\nRejoindre avec Google Meet : https://meet.google.com/abc-defg-hij\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        f"DTSTART;TZID=Europe/Paris:{workshop:%Y%m%d}T140000\r\n"
        f"DTEND;TZID=Europe/Paris:{workshop:%Y%m%d}T170000\r\n"
        "UID:atelier-falc@google.com\r\n"
        "SUMMARY:Atelier FALC à Rennes\r\n"
        "LOCATION:Préfecture d'Ille-et-Vilaine\\, 3 Avenue de la Préfecture\\, 35000 Ren\r\n"
        " nes\\, France\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1000), (0, 83, 179)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_import_an_ics_add_an_image_place_it_on_the_map_and_submit(
    page: Page, settings, tmp_path, live_server
):
    settings.MEDIA_ROOT = tmp_path
    # Tiles from the live server itself: the test never leaves the machine.
    settings.MAP_TILES_URL = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?tile={{z}}-{{x}}-{{y}}"
    )
    edition = open_edition()
    Format.objects.get_or_create(slug="atelier", defaults={"name": "Atelier"})
    webinar_day = edition.start_date + datetime.timedelta(days=2)
    workshop_day = edition.start_date + datetime.timedelta(days=9)
    membership = MembershipFactory(
        user__email="agent.falc@bretagne.gouv.fr",
        organization__name="Préfecture d’Ille-et-Vilaine",
    )
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    ics = tmp_path / "agenda-falc.ics"
    ics.write_bytes(calendar_export(webinar_day, workshop_day))

    page.goto("/compte/login/?next=/espace-organisateur/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # Import the calendar: its two entries become the sessions of one draft.
    page.get_by_role("link", name=re.compile("^Importer un événement")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer")
    scan(page)
    page.locator("input[type=file]").set_input_files(str(ics))
    page.locator("main form [type=submit]").last.click()
    expect(page.get_by_role("heading", name="Événement importé en brouillon")).to_be_visible()
    scan(page)
    event = Event.objects.get()
    assert event.status == EventStatus.DRAFT
    webinar, workshop = event.sessions.order_by("date")
    assert (webinar.attendance_mode, webinar.online_url) == (
        AttendanceMode.ONLINE,
        "https://meet.google.com/abc-defg-hij",
    )
    assert (workshop.attendance_mode, workshop.city, workshop.department) == (
        AttendanceMode.IN_PERSON,
        "Rennes",
        "35",
    )

    # Complete it: an image with its text alternative and credit, what submission needs.
    page.locator("#id_summary").fill("Deux rendez-vous pour apprendre à écrire facile à lire.")
    page.locator("#id_format").select_option(label="Atelier")
    page.locator("#id_private_contact_email").fill("contact@bretagne.gouv.fr")
    image = tmp_path / "atelier.jpg"
    image.write_bytes(photo())
    page.locator("#id_image_file").set_input_files(str(image))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Enregistrer le brouillon").first.click()
    # No text alternative: a French error, and the image is kept for the next try.
    expect(page.locator("#error-summary")).to_contain_text("Texte alternatif de l’image")
    expect(page.get_by_text("Image envoyée", exact=False).first).to_be_visible()
    scan(page, html=answer.value.text())
    page.locator("#id_image_alt").fill("Des agents relisent un courrier réécrit en FALC")
    page.locator("#id_image_credit").fill("Préfecture d’Ille-et-Vilaine")
    page.get_by_role("button", name="Enregistrer le brouillon").first.click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    event.refresh_from_db()
    assert event.image and event.image_alt.startswith("Des agents relisent")

    # Place the workshop on the map: a click on the map moves the point and fills the fields.
    page.goto(f"/espace-organisateur/evenements/{event.pk}/apercu/")
    scan(page)
    page.get_by_role("link", name=re.compile("^Vérifier l’emplacement")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier l’emplacement")
    expect(page.locator("#session-place-map img.leaflet-tile-loaded").first).to_be_visible()
    scan(page)
    latitude = page.locator("#id_latitude")
    expect(latitude).to_have_value("")  # not located yet: the worker has not run
    the_map = page.locator("#session-place-map")
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    expect(latitude).not_to_have_value("")
    expect(page.locator("#id_longitude")).not_to_have_value("")
    page.get_by_role("button", name="Enregistrer cet emplacement").click()
    expect(page.get_by_role("status").first).to_contain_text("emplacement")
    workshop.refresh_from_db()
    assert workshop.location_precision == LocationPrecision.MANUAL
    assert workshop.latitude is not None

    # Submit it.
    page.goto("/espace-organisateur/")
    page.get_by_role("link", name=re.compile("^Soumettre")).click()
    page.get_by_role("button", name="Soumettre à l’équipe DITP").click()
    expect(page.get_by_text("Soumis à validation", exact=True)).to_be_visible()
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED

    # Once the DITP publishes it, the public page shows the image, each place and the map.
    moderator = UserFactory(moderator=True)
    services.event_approve(event=event, user=moderator)
    page.context.clear_cookies()
    page.goto(event.get_absolute_url())
    picture = page.locator("main img[srcset]").first
    expect(picture).to_have_attribute("alt", "Des agents relisent un courrier réécrit en FALC")
    expect(page.get_by_text("Préfecture d’Ille-et-Vilaine", exact=False).first).to_be_visible()
    expect(page.get_by_text("Rennes", exact=False).first).to_be_visible()
    expect(page.locator("#event-map .leaflet-marker-icon").first).to_be_visible()
    scan(page)
