"""The dashboard of an organisation with many events, in Chromium: its filters by state and its
pages work with the mouse and on a phone, with no axe-core violation, valid HTML and every
control taking its click (tests/e2e/hit_test.py)."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from events.enums import EventStatus
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition
from tests.e2e.hit_test import covered_controls_by_width
from tests.e2e.html_checker import assert_valid_html
from tests.factories import PASSWORD, EventFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def summary(text: str):
    """The line above the list (« Tous : 44 événements, page 1 sur 3. »), its space unbreakable."""
    return re.compile(text.replace(" : ", r"\s:\s"))


def log_in(page: Page, email: str) -> None:
    page.goto("/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Connexion")


def test_an_organiser_finds_each_event_by_state_and_by_page(page: Page):
    edition = open_edition()
    membership = MembershipFactory(
        user__email="porteuse@finistere.gouv.fr", organization__name="Préfecture du Finistère"
    )
    user, organization = membership.user, membership.organization
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for number in range(44):
        EventFactory(
            edition=edition,
            organization=organization,
            status=EventStatus.PUBLISHED if number % 4 else EventStatus.DRAFT,
            title=f"Atelier numéro {number:02d}",
            starts_on=edition.start_date + datetime.timedelta(days=number % 20),
        )
    log_in(page, user.email)

    page.goto("/espace-organisateur/")
    expect(page.get_by_text(summary("Tous : 44 événements, page 1 sur 3."))).to_be_visible()
    assert_no_axe_violations(page)
    assert_valid_html(page)
    assert covered_controls_by_width(page) == {}

    menu = page.get_by_role("navigation", name="Filtrer par état")
    menu.get_by_role("link", name="À compléter (11)").click()
    expect(page.get_by_text(summary("À compléter : 11 événements."))).to_be_visible()
    expect(page.get_by_role("heading", name="Brouillons (11)")).to_be_visible()
    expect(page.locator("main h5")).to_have_count(11)

    page.get_by_role("navigation", name="Filtrer par état").get_by_role(
        "link", name="Validés et publiés (33)"
    ).click()
    pagination = page.get_by_role("navigation", name="Pagination des événements de")
    pagination.get_by_role("link", name="Page suivante").click()
    expect(
        page.get_by_text(summary("Validés et publiés : 33 événements, page 2 sur 2."))
    ).to_be_visible()
    expect(page.locator("main h5")).to_have_count(13)
    assert_no_axe_violations(page)
    assert_valid_html(page)

    # On a phone the menu folds behind its button.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/espace-organisateur/")
    button = page.get_by_role("button", name="Filtrer par état")
    expect(button).to_be_visible()
    button.click()
    page.get_by_role("link", name="Validés et publiés (33)").click()
    expect(
        page.get_by_text(summary("Validés et publiés : 33 événements, page 1 sur 2."))
    ).to_be_visible()
