"""The DITP's editorial month in a real browser: a regional relay validates an event before the
programme opens; the opening publishes it; it shows in its collection and, featured, on the home
page; a visitor reports an error on it; the relay sees the report in its queue. Every new public
page is scanned with axe-core and the Nu HTML checker."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.enums import EventStatus
from events.models import Collection, Event, EventReport
from events.services import edition_open_programme
from moisinno.models import OutgoingEmail, RegionalRelay
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition
from tests.e2e.html_checker import assert_valid_html
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Fresque de la relation usager"


def scene():
    edition = open_edition()
    edition.publication_at = timezone.now() + datetime.timedelta(hours=2)
    edition.save()
    organizer = MembershipFactory(organization__name="Préfecture d’Ille-et-Vilaine").user
    day = edition.start_date + datetime.timedelta(days=3)
    event = EventFactory(
        edition=edition,
        organization=organizer.memberships.get().organization,
        title=TITLE,
        slug="fresque",
        status=EventStatus.SUBMITTED,
        submitted_at=timezone.now(),
        starts_on=day,
        ends_on=day,
        is_featured=True,
    )
    elsewhere = EventFactory(
        edition=edition,
        title="Hackathon francilien",
        status=EventStatus.SUBMITTED,
        department="75",
        region="11",
        city="Paris",
        starts_on=day,
        ends_on=day,
    )
    collection = Collection.objects.create(
        edition=edition,
        title="Expérience usager",
        slug="experience-usager",
        intro="Des services publics conçus avec celles et ceux qui les utilisent.",
    )
    collection.events.add(event)
    relay = UserFactory(moderator=True, email="sgar@bretagne.gouv.fr")
    EmailAddress.objects.create(user=relay, email=relay.email, verified=True, primary=True)
    RegionalRelay.objects.create(user=relay, regions=["53"])
    return edition, organizer, relay, event, elsewhere


def log_in_to_admin(page: Page, email: str) -> None:
    # Staff log in on the site's login page (allauth's limits and second factor).
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=%2Fadmin%2F"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def check(page: Page) -> None:
    assert_no_axe_violations(page)
    assert_valid_html(page)


def test_relay_validates_the_opening_publishes_a_visitor_reports(page: Page):
    edition, organizer, relay, event, elsewhere = scene()

    # The relay's queue holds its region's event only; it validates it before the opening.
    log_in_to_admin(page, relay.email)
    page.goto("/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text(TITLE)
    expect(page.locator("#result_list")).not_to_contain_text(elsewhere.title)
    assert_no_axe_violations(page)
    page.get_by_role("link", name=TITLE, exact=True).click()
    # The decision asks for a confirmation (the accessibility work's confirmation step).
    page.get_by_role("link", name="Valider (publié à l'ouverture du programme)…").click()
    page.get_by_role(
        "button", name="Confirmer : valider (publié à l'ouverture du programme)"
    ).click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"« {TITLE} » est validé : il sera publié à l'ouverture du programme."
    )
    assert Event.objects.get(slug="fresque").status == EventStatus.VALIDATED

    # Not public yet: neither its page, its collection nor the home page show it. (Read
    # outside the browser's HTTP cache: public pages may be kept a minute by browsers.)
    page.context.clear_cookies()
    visitor = page.context.request
    assert visitor.get("/evenements/fresque/").status == 404
    collection = visitor.get("/parcours/experience-usager/")
    assert collection.ok and "Expérience usager" in collection.text()
    assert TITLE not in collection.text()
    assert TITLE not in visitor.get("/").text()

    # The opening (the worker's task at the moment, on a controlled clock) publishes it.
    assert edition_open_programme(edition=edition, now=edition.publication_at) == 1
    assert OutgoingEmail.objects.filter(
        template="event_decision", subject=f"Votre événement « {TITLE} » est en ligne"
    ).exists()

    # Featured on the home page, listed in its collection, which its page links to.
    page.goto("/")
    featured = page.get_by_role("region", name="À la une")
    expect(featured).to_contain_text(TITLE)
    check(page)
    page.get_by_role("link", name="Expérience usager").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Expérience usager")
    expect(page.locator("#resultats")).to_contain_text(TITLE)
    check(page)
    page.goto("/evenements/fresque/")
    expect(page.get_by_role("link", name="Expérience usager")).to_be_visible()
    check(page)

    # A visitor reports an error from the event page.
    page.get_by_role("link", name="Signaler une erreur sur cet événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Signaler une erreur sur cet événement"
    )
    check(page)
    page.locator("label[for=id_kind_0]").click()  # DSFR draws the radio on its label
    page.get_by_label("Votre message").fill("L’atelier commence à 14 h, pas à 10 h.")
    page.get_by_label("Votre adresse électronique (facultatif)").fill("visiteur@example.fr")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")
    check(page)
    report = EventReport.objects.get()
    assert (report.event.slug, report.kind, report.email) == (
        "fresque",
        "date",
        "visiteur@example.fr",
    )

    # The relay sees the report in its queue, then reads it.
    log_in_to_admin(page, relay.email)
    page.goto("/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text("1 signalement")
    page.get_by_role("link", name="1 signalement").click()
    expect(page.locator("#result_list")).to_contain_text(TITLE)
    assert_no_axe_violations(page)
