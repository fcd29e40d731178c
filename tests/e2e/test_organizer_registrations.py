"""The organiser's registration pages in a real browser: from the dashboard's « Inscriptions
(2/2) », tick someone present, cancel someone (the first person waiting takes the seat), open
the sign-in sheet as printed; the event form shows a session's places only for « Inscription
sur la plateforme ». axe-core, the Nu HTML checker and the hit test on each page."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from events.enums import RegistrationMode
from events.models import EventSession
from registrations import services
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition
from tests.e2e.hit_test import covered_controls_by_width
from tests.e2e.html_checker import assert_valid_html
from tests.factories import PASSWORD, EventFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _checked(page: Page) -> None:
    assert_no_axe_violations(page)
    assert_valid_html(page)
    assert not covered_controls_by_width(page)


def test_an_organiser_manages_the_registrations_of_a_session(page: Page):
    edition = open_edition()
    membership = MembershipFactory(user__email="agent.inscriptions@bretagne.gouv.fr")
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier des usagers",
    )
    session = event.sessions.get()
    EventSession.objects.filter(pk=session.pk).update(capacity=2, waiting_list=True)
    for name in ("Hélène Dupré", "Émile Zola", "Zoé Leroy"):
        registrant = services.registrant_register(
            event=event,
            sessions=[session],
            name=name,
            email=f"{name.split()[1].lower()}@example.fr",
            kind="agent",
        )
        services.registrant_confirm(registrant=registrant)

    page.goto("/compte/login/?next=/espace-organisateur/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Inscriptions (2/2)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inscriptions à « Atelier des usagers »"
    )
    _checked(page)
    page.get_by_role("link", name=re.compile("^Voir les inscriptions")).click()
    expect(page.get_by_role("heading", name="Personnes inscrites (2)")).to_be_visible()
    _checked(page)

    page.get_by_role("button", name="Marquer présent Hélène Dupré").click()
    expect(page.get_by_text("Présence de Hélène Dupré enregistrée.")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer la présence de Hélène Dupré")).to_be_visible()

    page.get_by_role("link", name="Annuler l’inscription de Émile Zola").click()
    _checked(page)
    page.get_by_role("button", name="Annuler l’inscription").click()
    expect(page.get_by_text("La place libérée revient à Zoé Leroy")).to_be_visible()
    confirmed = page.get_by_role("table", name="Personnes inscrites")
    expect(confirmed).to_contain_text("Zoé Leroy")
    expect(confirmed).not_to_contain_text("Émile Zola")

    page.get_by_role("link", name="Feuille d’émargement").click()
    _checked(page)
    page.emulate_media(media="print")
    expect(page.locator(".fr-footer")).to_be_hidden()
    expect(page.get_by_text("Imprimez cette page")).to_be_hidden()
    expect(page.get_by_role("table")).to_contain_text("Hélène Dupré")
    page.emulate_media(media="screen")


def test_the_event_form_shows_a_sessions_places_only_for_platform_registration(page: Page):
    edition = open_edition()
    membership = MembershipFactory(user__email="agent.formulaire@bretagne.gouv.fr")
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    event = EventFactory(edition=edition, organization=membership.organization)

    page.goto(f"/compte/login/?next=/espace-organisateur/evenements/{event.pk}/modifier/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.locator("#id_sessions-0-capacity")).to_be_hidden()
    page.locator('label[for="id_registration_mode_3"]').click()
    expect(page.locator("#id_sessions-0-capacity")).to_be_visible()
    expect(page.locator("#id_sessions-0-waiting_list")).to_be_checked()
    expect(page.locator("#id_capacity")).to_be_hidden()  # the event's own number of places
    _checked(page)
