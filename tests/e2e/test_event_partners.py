"""Co-organisers and labs on the event form, in a real browser: with JavaScript a combobox
(type a few letters, pick a suggestion, « Retirer » a chosen one) driven with the keyboard
alone; without it, a text field matched by name. axe-core with the suggestions open."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Browser, Page, expect

from events.models import Event
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, open_edition
from tests.factories import PASSWORD, LabFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "partenaires@finistere.gouv.fr"


@pytest.fixture
def form_url(live_server) -> str:
    open_edition()
    membership = MembershipFactory(user__email=EMAIL, organization__name="Préfecture du Finistère")
    EmailAddress.objects.create(user=membership.user, email=EMAIL, verified=True, primary=True)
    for name in ("Préfecture de l’Ain", "Préfecture du Rhône", "Métropole de Lyon"):
        OrganizationFactory(name=name)
    LabFactory(name="Ti Lab")
    LabFactory(name="La 27e Région")
    return f"/espace-organisateur/evenements/nouveau/?organisation={membership.organization.slug}"


def log_in(page: Page) -> None:
    page.goto("/compte/login/")
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Connexion")


def test_organiser_picks_and_removes_partners_with_the_keyboard(page: Page, form_url):
    log_in(page)
    page.goto(form_url)
    page.locator("#id_title").fill("Atelier avec nos partenaires")
    organisations = page.get_by_role("combobox", name="Ajouter une organisation")
    chosen = page.get_by_role("list", name="Organisations co-organisatrices choisies")

    organisations.focus()
    page.keyboard.type("prefec")
    expect(organisations).to_have_attribute("aria-expanded", "true")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_count(2)
    assert_no_axe_violations(page)
    page.keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Préfecture de l’Ain")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("listitem")).to_have_count(1)
    expect(organisations).to_have_value("")
    expect(organisations).to_be_focused()
    expect(page.locator("[data-picker] [aria-live]").first).to_have_text(
        "Préfecture de l’Ain : ajouté. 1 choix retenu."
    )
    # One suggestion left: Enter takes it; the chosen one is no longer suggested.
    page.keyboard.type("lyon")
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    page.keyboard.type("ain")
    expect(suggestions).to_be_hidden()

    # « Retirer »: the focus goes to the next chosen one.
    page.keyboard.press("Escape")
    chosen.get_by_role("button", name="Retirer Préfecture de l’Ain").focus()
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("listitem")).to_have_count(1)
    expect(chosen.get_by_role("button", name="Retirer Métropole de Lyon")).to_be_focused()

    labs = page.get_by_role("combobox", name="Ajouter un laboratoire")
    labs.focus()
    page.keyboard.type("ti l")
    page.keyboard.press("Enter")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer le brouillon").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier")
    event = Event.objects.get(title="Atelier avec nos partenaires")
    assert [o.name for o in event.co_organizers.all()] == ["Métropole de Lyon"]
    assert [lab.name for lab in event.labs.all()] == ["Ti Lab"]
    # Back on the form, the chosen ones have their « Retirer » button.
    expect(chosen.get_by_role("button", name="Retirer Métropole de Lyon")).to_be_visible()


def test_without_javascript_a_name_is_matched_or_refused_with_the_text_kept(
    browser: Browser, live_server, form_url
):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page)
        page.goto(form_url)
        page.locator("#id_title").fill("Atelier sans script")
        field = page.get_by_label("Ajouter une organisation")
        field.fill("Marseille")
        page.get_by_role("button", name="Enregistrer le brouillon").first.click()

        expect(page.locator("#error-summary")).to_contain_text(
            "Aucune organisation ne correspond à « Marseille »"
        )
        expect(field).to_have_value("Marseille")
        assert not Event.objects.filter(title="Atelier sans script").exists()

        field.fill("metropole lyon")
        page.get_by_role("button", name="Enregistrer le brouillon").first.click()

        expect(page.get_by_label("Métropole de Lyon")).to_be_checked()
        event = Event.objects.get(title="Atelier sans script")
        assert [o.name for o in event.co_organizers.all()] == ["Métropole de Lyon"]
    finally:
        context.close()
