"""On-platform registration in a real browser, as visitors and an organiser live it: register
for two sessions, confirm from the e-mail, see the places drop, join a waiting list, cancel from
the link, the first person waiting promoted and e-mailed, checked in by the QR code's link, the
list exported. axe-core and the Nu HTML checker on every page."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from events.enums import RegistrationMode
from events.models import EventSession
from moisinno.formatting import session_label
from moisinno.models import OutgoingEmail
from registrations.models import Registration, RegistrationStatus
from registrations.tokens import check_in_url
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import open_edition
from tests.e2e.html_checker import assert_valid_html
from tests.factories import PASSWORD, EventFactory, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page: Page, html: str | None = None) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert_valid_html(page, html)
    assert_no_axe_violations(page)


def submit(page: Page, button: str) -> str:
    """Click a form's button; the HTML the server answered last (after its redirect)."""
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return response.value.text() if response.value.status == 200 else page.content()


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def link_in(text: str, part: str) -> str:
    url = next(u for u in re.findall(r"https?://\S+", text) if part in u)
    return re.sub(r"^https?://[^/]+", "", url)


def last_email(template: str, address: str) -> OutgoingEmail:
    return OutgoingEmail.objects.filter(template=template, to=[address]).latest("pk")


def register(page: Page, event_url: str, *, name: str, email: str, sessions: list[str]) -> None:
    page.goto(event_url)
    page.get_by_role("link", name=re.compile("^S’inscrire")).first.click()
    expect(page.locator("h1")).to_contain_text("S’inscrire à")
    check(page)
    for label in sessions:
        page.get_by_label(re.compile(re.escape(label), re.IGNORECASE)).check(force=True)
    page.get_by_label("Nom et prénom").fill(name)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Agent public").check(force=True)
    page.get_by_role("button", name="Envoyer ma demande d’inscription").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")
    check(page)
    assert email not in page.url


def confirm(page: Page, email: str) -> None:
    message = last_email("registration_confirm_address", email)
    page.goto(link_in(message.body_text, "/inscriptions/confirmer/"))
    expect(page.locator("h1")).to_have_text("Confirmer votre inscription")
    check(page)
    html = submit(page, "Confirmer mon inscription")
    expect(page.locator("h1")).to_have_text("Votre inscription")
    check(page, html)


def test_register_confirm_wait_cancel_promote_check_in_and_export(
    page: Page, browser: Browser, live_server
):
    edition = open_edition()
    membership = MembershipFactory(user__email="agent.accueil@bretagne.gouv.fr")
    organiser = membership.user
    EmailAddress.objects.create(user=organiser, email=organiser.email, verified=True, primary=True)
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier des usagers",
    )
    morning = event.sessions.get()
    EventSession.objects.filter(pk=morning.pk).update(capacity=1, waiting_list=True)
    afternoon = EventSession.objects.create(
        event=event,
        date=morning.date + datetime.timedelta(days=1),
        start_time=datetime.time(14),
        end_time=datetime.time(16),
        attendance_mode=morning.attendance_mode,
        city=morning.city,
        department=morning.department,
        capacity=5,
    )
    event_url = event.get_absolute_url()
    day_one = session_label(morning)
    day_two = session_label(afternoon)

    # Camille registers for both sessions and confirms from the e-mail.
    register(
        page,
        event_url,
        name="Camille Martin",
        email="camille.martin@example.fr",
        sessions=[day_one, day_two],
    )
    confirm(page, "camille.martin@example.fr")
    expect(page.locator("main")).to_contain_text("Votre place est réservée")

    # The places drop on the event page.
    page.goto(event_url)
    expect(page.locator("main")).to_contain_text("Complet — liste d’attente ouverte")
    expect(page.locator("main")).to_contain_text("4\u00a0places restantes")
    check(page)

    # Dominique joins the morning's waiting list, in another browser.
    other = browser.new_page(base_url=live_server.url)
    register(
        other,
        event_url,
        name="Dominique Roy",
        email="dominique.roy@example.fr",
        sessions=[day_one],
    )
    confirm(other, "dominique.roy@example.fr")
    expect(other.locator("main")).to_contain_text("liste d’attente")
    expect(other.locator("main")).to_contain_text("position 1")

    # Camille cancels the morning from the link of her e-mail.
    run_worker()
    confirmed = last_email("registration_confirmed", "camille.martin@example.fr")
    page.goto(link_in(confirmed.body_text, "/inscriptions/"))
    expect(page.locator("h1")).to_have_text("Mon inscription")
    check(page)
    page.get_by_role("button", name=f"Annuler cette inscription (séance du {day_one})").click()
    expect(page.locator("main")).to_contain_text("Annulée")
    check(page)

    # Dominique takes the seat and is told by e-mail.
    dominique = Registration.objects.get(registrant__email="dominique.roy@example.fr")
    assert dominique.status == RegistrationStatus.CONFIRMED
    mail.outbox.clear()
    run_worker()
    promoted = [m for m in mail.outbox if m.to == ["dominique.roy@example.fr"]]
    assert [m.subject for m in promoted] == ["Une place s’est libérée : Atelier des usagers"]
    (invitation,) = [p for p in promoted[0].attachments if p.get_filename() == "invitation.ics"]
    assert "METHOD:REQUEST" in invitation.get_content()

    # The organiser, at the door, opens the QR code's link and marks Dominique present.
    promotion = last_email("registration_promoted", "dominique.roy@example.fr")
    assert [a["subtype"] for a in promotion.attachments] == ["calendar", "png"]  # the QR code
    door = browser.new_page(base_url=live_server.url)
    door.goto(re.sub(r"^https?://[^/]+", "", check_in_url(dominique)))
    door.locator("#id_login").fill(organiser.email)
    door.locator("#id_password").fill(PASSWORD)
    door.get_by_role("button", name="Se connecter").click()
    expect(door.locator("h1")).to_have_text("Dominique Roy")
    check(door)
    door.get_by_role("button", name=re.compile("^Marquer présent")).click()
    dominique.refresh_from_db()
    assert dominique.checked_in_at is not None
    check(door)

    # The list exported for a spreadsheet.
    door.goto(f"/espace-organisateur/evenements/{event.pk}/inscriptions/")
    check(door)
    with door.expect_download() as download:
        door.get_by_role("link", name=re.compile("CSV")).first.click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert "Dominique Roy" in content and "Camille Martin" in content
    assert ";" in content.splitlines()[0]
