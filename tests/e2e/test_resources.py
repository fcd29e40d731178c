"""Resources after an event, in a real browser: the organiser adds a link and a PDF (errors
included) from the dashboard's « Ressources », then the public page shows them first.
axe-core and the Nu HTML checker scan each page."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from events.models import EventResource
from tests.e2e.scan import scan
from tests.factories import PASSWORD, EditionFactory, EventFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_an_organiser_adds_resources_shown_first_on_the_event_page(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    edition = EditionFactory(year=2022, is_current=True)
    membership = MembershipFactory(user__email="agent.ressources@bretagne.gouv.fr")
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Table ronde des usagers",
        slug="table-ronde",
    )

    page.goto("/compte/login/?next=/espace-organisateur/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=re.compile("^Ressources")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ressources de « Table ronde des usagers »"
    )
    scan(page)

    # An http link: refused in French, what was typed is kept.
    page.get_by_label("Nature").select_option("replay")
    page.get_by_label("Titre").fill("Replay de la table ronde")
    page.get_by_label("Lien").fill("http://video.example.fr/42")
    # The page answering a POST is checked as the server sent it: the DOM (page.content())
    # holds what DSFR's scripts add at run time (aria-labelledby on the header's menu before
    # its role), which the checker refused when they had run by then.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Ajouter la ressource").click()
    expect(page.locator("#error-summary")).to_contain_text("commence par https://")
    expect(page.get_by_label("Titre")).to_have_value("Replay de la table ronde")
    scan(page, html=answer.value.text())

    page.get_by_label("Lien").fill("https://video.example.fr/42")
    page.get_by_role("button", name="Ajouter la ressource").click()
    expect(page.locator(".fr-alert--success, .fr-alert--info").first).to_be_visible()

    page.get_by_label("Nature").select_option("slides")
    page.get_by_label("Titre").fill("Supports")
    page.get_by_label("Ou un fichier PDF").set_input_files(
        {"name": "supports.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Ajouter la ressource").click()
    expect(page.get_by_role("heading", name="2 ressources")).to_be_visible()
    scan(page)
    assert EventResource.objects.count() == 2

    page.goto("/evenements/table-ronde/")
    resources = page.locator("#resources-title")
    expect(resources).to_have_text("Ressources")
    download = page.get_by_role("link", name=re.compile("^Supports"))
    expect(download).to_have_attribute("download", "supports.pdf")
    expect(download).to_contain_text("PDF\u00a0– 1\u00a0ko")
    scan(page)
