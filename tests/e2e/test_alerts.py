"""A visitor subscribes to an e-mail alert on a programme selection in a real browser, confirms
it, manages it and unsubscribes; axe-core and the Nu HTML checker check every page on the way.
The data is the real 2022 edition (fixtures/reference.json and demo_2022.json)."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from alerts.models import Alert
from alerts.services import unsubscribe_token
from moisinno.models import OutgoingEmail
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page: Page, html: str | None = None) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_valid_html(page, html)
    assert_no_axe_violations(page)


def submit(page: Page, button: str) -> str:
    """Click a form's button; the HTML the server answered (a POST page cannot be fetched
    again for the checker)."""
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return response.value.text()


def link_in(email: OutgoingEmail, part: str) -> str:
    url = next(u for u in re.findall(r"https?://\S+", email.body_text) if part in u)
    return re.sub(r"^https?://[^/]+", "", url)


def test_visitor_subscribes_confirms_manages_and_unsubscribes(page: Page, demo):
    cache.clear()
    page.goto("/programme/?region=53")
    page.get_by_role(
        "link", name="Recevoir les nouveaux événements de cette sélection par courriel"
    ).click()
    expect(page.locator("h1")).to_have_text("Recevoir les nouveaux événements par courriel")
    expect(page.locator("main")).to_contain_text("Bretagne")
    check(page)

    # A typo: a French message, and the address stays in the field.
    page.get_by_label("Votre adresse électronique").fill("agent@@bretagne")
    html = submit(page, "Recevoir les nouveaux événements")
    expect(page.locator("#error-summary")).to_contain_text("Saisissez une adresse")
    expect(page.get_by_label("Votre adresse électronique")).to_have_value("agent@@bretagne")
    check(page, html)

    page.get_by_label("Votre adresse électronique").fill("agent@bretagne.gouv.fr")
    page.get_by_role("button", name="Recevoir les nouveaux événements").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")
    check(page)

    confirmation = OutgoingEmail.objects.get(template="alerts_confirm")
    assert confirmation.to == ["agent@bretagne.gouv.fr"]
    page.goto(link_in(confirmation, "/alertes/confirmation/"))
    expect(page.locator("h1")).to_have_text("Confirmer votre alerte")
    check(page)
    html = submit(page, "Confirmer mon alerte")
    expect(page.locator("h1")).to_have_text("Votre alerte est activée")
    check(page, html)
    assert Alert.objects.get().is_confirmed

    page.get_by_role("link", name="Gérer mes alertes").click()
    expect(page.locator("main")).to_contain_text("agent@bretagne.gouv.fr")
    expect(page.locator("main")).to_contain_text("Bretagne")
    check(page)

    page.goto(f"/alertes/desabonnement/{unsubscribe_token(Alert.objects.get())}/")
    expect(page.locator("h1")).to_have_text("Se désabonner")
    check(page)
    html = submit(page, "Me désabonner")
    expect(page.locator("h1")).to_have_text("Vous êtes désabonné")
    check(page, html)
    assert not Alert.objects.exists()


def test_a_broken_link_gives_a_clear_french_page(page: Page, demo):
    response = page.goto("/alertes/confirmation/abc:def/")

    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("Ce lien n’est pas valide")
    assert_valid_html(page, response.text())
    assert_no_axe_violations(page)
