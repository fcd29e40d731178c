"""An organiser's first visit, in a real browser: sign up, verify the address from the email,
create the organisation, reference an event with two sessions, save it, submit it.
axe-core scans every page of the way (WCAG 2.1 A/AA)."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from events.enums import EventStatus
from events.models import Event, Format
from moisinno.models import OutgoingEmail
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "agent.e2e@bretagne.gouv.fr"
PASSWORD = "Un-mot-de-passe-bien-long-2026"


def click(page: Page, name: str, role: str = "button") -> None:
    page.get_by_role(role, name=name, exact=True).first.click()


def test_organizer_references_an_event_from_sign_up_to_submission(page: Page):
    edition = open_edition()
    Format.objects.get_or_create(slug="atelier", defaults={"name": "Atelier"})
    first_day = edition.start_date + datetime.timedelta(days=2)
    second_day = edition.start_date + datetime.timedelta(days=9)

    # Sign up (the page, then its errors, pass axe).
    page.goto("/compte/signup/")
    assert_no_axe_violations(page)
    page.locator("#id_email").fill("pas-une-adresse")
    click(page, "Créer mon compte")
    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    click(page, "Créer mon compte")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Confirmez votre adresse électronique")
    )

    # Open the verification link from the email (queued in the outbox).
    email = OutgoingEmail.objects.get(template="account/email/email_confirmation_signup")
    assert email.to == [EMAIL]
    link = re.search(r"https?://\S+", email.body_text).group(0)
    page.goto(link)
    click(page, "Confirmer mon adresse")

    # Logged in, on the dashboard: create the organisation.
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace organisateur")
    assert_no_axe_violations(page)
    click(page, "Créer votre organisation", role="link")
    page.locator("#id_name").fill("Préfecture d’Ille-et-Vilaine")
    page.locator("#id_kind").select_option("state_deconcentrated")
    page.locator("#id_department").select_option("35")
    click(page, "Créer l’organisation")
    expect(
        page.get_by_role("heading", level=2, name="Préfecture d’Ille-et-Vilaine")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # The event form, empty, then with errors.
    page.get_by_role("link", name=re.compile("^Référencer un événement")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Référencer un événement")
    assert_no_axe_violations(page)
    page.locator('label[for="id_sessions-0-attendance_mode_2"]').click()  # hybrid
    page.locator("#id_sessions-0-online_url").fill("pas-une-adresse")
    page.locator("#id_sessions-0-date").fill(first_day.isoformat())
    page.locator("#id_sessions-0-start_time").fill("12:00")
    page.locator("#id_sessions-0-end_time").fill("10:00")
    page.locator("#id_title").fill("")
    click(page, "Enregistrer le brouillon")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Le formulaire contient 3 erreurs")
    expect(page.locator("#id_sessions-0-date")).to_have_value(first_day.isoformat())
    assert_no_axe_violations(page)

    # Fill it in, with two sessions (the second row added by the page's script).
    page.locator("#id_title").fill("Atelier FALC : écrire pour être compris")
    page.locator("#id_summary").fill("Une matinée pour apprendre à écrire facile à lire.")
    page.locator("#id_description").fill("Un atelier pratique, avec des usagers.")
    page.locator("#id_format").select_option(label="Atelier")
    page.locator("#id_sessions-0-online_url").fill("")  # still shown: it holds an error
    page.locator('label[for="id_sessions-0-attendance_mode_0"]').click()  # in person
    page.locator("#id_sessions-0-address").fill("3 avenue de la Préfecture")
    page.locator("#id_sessions-0-city").fill("Rennes")
    page.locator("#id_sessions-0-department").select_option("35")
    page.locator("#id_private_contact_email").fill("contact@bretagne.gouv.fr")
    page.locator("#id_sessions-0-start_time").fill("10:00")
    page.locator("#id_sessions-0-end_time").fill("12:00")
    click(page, "Ajouter une séance")
    expect(page.locator("#id_sessions-1-date")).to_be_focused()
    page.locator("#id_sessions-1-date").fill(second_day.isoformat())
    page.locator("#id_sessions-1-start_time").fill("14:00")
    # Each session says where it is held (this one in Rennes too).
    page.locator("#id_sessions-1-address").fill("3 avenue de la Préfecture")
    page.locator("#id_sessions-1-city").fill("Rennes")
    page.locator("#id_sessions-1-department").select_option("35")
    click(page, "Enregistrer le brouillon")
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")

    event = Event.objects.get()
    assert event.status == EventStatus.DRAFT
    assert list(event.sessions.values_list("date", flat=True)) == [first_day, second_day]

    # Submit it, and see it as submitted on the dashboard.
    page.get_by_role("link", name="Retour à l’espace organisateur").click()
    page.get_by_role("link", name=re.compile("^Soumettre")).click()
    click(page, "Soumettre à l’équipe DITP")
    expect(page.get_by_role("heading", level=4, name="En cours de validation (1)")).to_be_visible()
    expect(page.get_by_text("Soumis à validation", exact=True)).to_be_visible()
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED
    assert OutgoingEmail.objects.filter(template="event_submitted_ack", to=[EMAIL]).exists()


def test_login_page_has_no_axe_violations(page: Page):
    page.goto("/compte/login/")
    assert_no_axe_violations(page)

    click(page, "Se connecter")

    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_axe_violations(page)
