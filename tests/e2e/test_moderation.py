"""A DITP moderator's round in the back-office, in a real browser: log in, approve one event,
request changes on another. The first appears in the public programme; the organiser reads
the moderator's message on their dashboard."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.enums import EventStatus
from events.models import Event
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


MESSAGE = "Précisez l’adresse exacte du lieu et l’horaire de fin."


def scene():
    edition = open_edition()
    organizer = MembershipFactory(
        user__email="porteuse@finistere.gouv.fr",
        organization__name="Préfecture du Finistère",
    ).user
    EmailAddress.objects.create(user=organizer, email=organizer.email, verified=True, primary=True)
    day = edition.start_date + datetime.timedelta(days=3)
    submitted = {
        "edition": edition,
        "organization": organizer.memberships.get().organization,
        "status": EventStatus.SUBMITTED,
        "submitted_at": timezone.now(),
        "starts_on": day,
        "ends_on": day,
    }
    approved = EventFactory(title="Fresque de la relation usager", slug="fresque", **submitted)
    changes = EventFactory(title="Hackathon des données locales", slug="hackathon", **submitted)
    moderator = UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    return organizer, moderator, approved, changes


def log_in_to_admin(page: Page, email: str) -> None:
    # Staff log in on the site's login page (allauth's rate limits and second factor).
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=%2Fadmin%2F"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def open_in_queue(page: Page, title: str) -> None:
    page.goto("/admin/events/event/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name="Décision de modération")).to_be_visible()


def test_moderator_approves_one_event_and_requests_changes_on_another(page: Page):
    organizer, moderator, approved, changes = scene()

    # The moderator logs in and finds both events in the queue.
    log_in_to_admin(page, moderator.email)
    page.goto("/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text(approved.title)
    expect(page.locator("#result_list")).to_contain_text(changes.title)
    assert_no_axe_violations(page)

    # Approve the first one from its page, after a confirmation step. The event page, with
    # Django's own widgets repaired (session cells, select2's search box, filter_horizontal's
    # labels), passes axe.
    open_in_queue(page, approved.title)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Approuver et publier…", exact=True).click()
    expect(page.get_by_text("Confirmez la décision « Approuver et publier »")).to_be_visible()
    assert Event.objects.get(slug="fresque").status == EventStatus.SUBMITTED
    page.get_by_role("button", name="Confirmer : approuver et publier").click()
    expect(page.locator(".messagelist")).to_contain_text(f"« {approved.title} » est publié.")

    # Request changes on the second one, with a message.
    open_in_queue(page, changes.title)
    page.get_by_role("link", name="Demander des modifications…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demander des modifications")
    assert_no_axe_violations(page)
    page.get_by_label("Modifications demandées à l'organisateur").fill(MESSAGE)
    page.get_by_role("button", name="Demander des modifications").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"« {changes.title} » attend les modifications demandées."
    )
    page.goto("/admin/events/event/statistiques/?perimetre=submitted")
    assert_no_axe_violations(page)
    statuses = dict(Event.objects.values_list("slug", "status"))
    assert statuses == {"fresque": EventStatus.PUBLISHED, "hackathon": "changes_requested"}

    # A visitor sees the approved event in the programme, not the other one.
    page.context.clear_cookies()
    page.goto("/programme/")
    expect(page.locator("main")).to_contain_text(approved.title)
    expect(page.locator("main")).not_to_contain_text(changes.title)

    # The organiser logs in and reads the moderator's message on their dashboard.
    page.goto("/compte/login/")
    page.locator("#id_login").fill(organizer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace organisateur")
    expect(page.locator("main")).to_contain_text(MESSAGE)
    assert_no_axe_violations(page)
