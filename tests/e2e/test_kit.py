"""The organiser's kit in a real browser: from the dashboard's « Kit de communication », its
visuals, QR code and badge load, and the page is clean under axe-core and the Nu HTML checker."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html
from tests.factories import PASSWORD, EditionFactory, EventFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_organiser_opens_the_kit_of_a_published_event(page: Page):
    edition = EditionFactory(year=2022, is_current=True)
    membership = MembershipFactory(user__email="agent.kit@bretagne.gouv.fr")
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Atelier des usagers",
        slug="atelier-usagers",
    )

    page.goto("/compte/login/?next=/espace-organisateur/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=re.compile("^Kit de communication")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kit de communication de « Atelier des usagers »"
    )
    expect(page.get_by_label("Texte court")).to_contain_text("Atelier des usagers")
    for image in page.locator("main img").all():  # visuals, QR code, badge: drawn and loaded
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0
    assert_no_axe_violations(page)
    assert_valid_html(page)
