"""The month's results in a real browser (issue 28): an event's session ended yesterday (the
controlled clock: its date set in the past); its organiser is asked by e-mail, declares the
attendance prefilled from the check-ins; the participants answer the survey from their
e-mail; the DITP's back-office bilan and the public bilan show both. axe-core and the Nu HTML
checker on every page; the questionnaire and the public bilan also without JavaScript."""

import datetime
import re
import zoneinfo

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.enums import RegistrationMode
from events.models import Event, EventSession
from programme.survey_forms import OVERALL_CHOICES
from registrations.models import RegistrantKind, Registration
from registrations.services import registrant_confirm, registrant_register, registration_check_in
from results.models import EventOutcome, SurveyAnswer
from results.requests import attendance_requests_send
from results.survey import surveys_send
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, open_edition
from tests.e2e.html_checker import assert_valid_html
from tests.e2e.test_moderation import log_in_to_admin
from tests.e2e.test_registration_journey import check, last_email, link_in, run_worker, submit
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ORGANISER = "agent.innovation@bretagne.gouv.fr"
COMMENT = "Le format court m’a convenu, merci Camille Martin."
#: Seven registered, six came (checked in), five answer the survey.
PEOPLE = [
    ("Camille Martin", "camille.martin@example.fr", RegistrantKind.AGENT),
    ("Dominique Roy", "dominique.roy@example.fr", RegistrantKind.AGENT),
    ("Alix Bernard", "alix.bernard@example.fr", RegistrantKind.AGENT),
    ("Sacha Petit", "sacha.petit@example.fr", RegistrantKind.PRIVATE),
    ("Noa Durand", "noa.durand@example.fr", RegistrantKind.AGENT),
    ("Lou Moreau", "lou.moreau@example.fr", RegistrantKind.PRIVATE),
    ("Eden Simon", "eden.simon@example.fr", RegistrantKind.AGENT),  # did not come
]
#: (overall, recommends, will reuse a method) of the five who answer: mean 4.6, 80 %, 100 %.
ANSWERS = [(5, True, True), (4, True, True), (5, False, True), (4, True, True), (5, True, True)]


def check_without_js(page: Page, html: str | None = None) -> None:
    """With JavaScript off axe-core cannot run in the page (it is injected as a script): the
    Nu checker on the server's HTML, and one h1."""
    assert page.locator("h1").count() == 1, page.url
    assert_valid_html(page, html)


def axe_without_scripts(
    browser: Browser, live_server, path: str, storage_state: dict | None = None
) -> None:
    """axe-core on the page as it stands without JavaScript: none of its scripts loaded (axe
    runs through page.evaluate, which a context without JavaScript refuses)."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", storage_state=storage_state
    )
    context.route("**/*.js", lambda route: route.abort())
    try:
        page = context.new_page()
        assert page.goto(path).status == 200, path
        assert_no_axe_violations(page)
    finally:
        context.close()


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), PARIS)


def scene() -> tuple[Event, EventSession]:
    """A published on-platform event whose one session was held yesterday, 9 h to 12 h, with
    seven confirmed registrations, six of them checked in at the door."""
    edition = open_edition()
    membership = MembershipFactory(
        user__email=ORGANISER, organization__name="Préfecture d’Ille-et-Vilaine"
    )
    organiser = membership.user
    EmailAddress.objects.create(user=organiser, email=organiser.email, verified=True, primary=True)
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Fresque de la relation usager",
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # The controlled clock: the session is moved to yesterday, the event's days with it.
    EventSession.objects.filter(event=event).update(
        date=yesterday,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        capacity=30,
        waiting_list=False,
    )
    Event.objects.filter(pk=event.pk).update(starts_on=yesterday, ends_on=yesterday)
    event.refresh_from_db()
    session = event.sessions.get()
    before = at(yesterday - datetime.timedelta(days=3), 10)
    for name, email, kind in PEOPLE:
        registrant = registrant_register(
            event=event, sessions=[session], name=name, email=email, kind=kind, now=before
        )
        registrant_confirm(registrant=registrant, now=before)
    door = at(yesterday, 9)
    for registration in Registration.objects.filter(session=session).exclude(
        registrant__email=PEOPLE[-1][1]
    ):
        registration_check_in(registration=registration, user=organiser, now=door)
    return event, session


def answer_survey(
    page: Page, email: str, answer: tuple[int, bool, bool], *, comment: str = "", checked=False
) -> str:
    overall, recommends, reuses = answer
    page.goto(link_in(last_email("survey_request", email).body_text, "/questionnaire/"))
    expect(page.locator("h1")).to_have_text("Votre avis sur « Fresque de la relation usager »")
    if checked:
        check(page)
    page.get_by_label(dict(OVERALL_CHOICES)[str(overall)], exact=True).check(force=True)
    page.get_by_role("group", name=re.compile("^Recommanderiez-vous")).get_by_label(
        "Oui" if recommends else "Non", exact=True
    ).check(force=True)
    page.get_by_role("group", name=re.compile("^Allez-vous réutiliser")).get_by_label(
        "Oui" if reuses else "Non", exact=True
    ).check(force=True)
    if comment:
        page.get_by_label("Un commentaire (facultatif)").fill(comment)
    html = submit(page, "Envoyer mon avis")
    expect(page.locator("h1")).to_have_text("Merci pour votre réponse")
    return html


def test_attendance_declared_survey_answered_and_both_in_the_bilans(
    page: Page, browser: Browser, live_server
):
    event, session = scene()
    edition = event.edition
    today = timezone.localdate()

    # The hourly command, the morning after: the organiser is asked, once.
    run = attendance_requests_send(now=at(today, 10))
    assert run.sent["requested_at"] == 1
    assert attendance_requests_send(now=at(today, 11)).sent["requested_at"] == 0
    request = last_email("attendance_request", ORGANISER)
    path = link_in(request.body_text, "/participation/")
    assert path == f"/espace-organisateur/evenements/{event.pk}/participation/"

    # The organiser logs in from the link: the figures are prefilled from the check-ins.
    page.goto(f"/compte/login/?next={path}")
    page.locator("#id_login").fill(ORGANISER)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    check(page)
    prefix = f"#id_s{session.pk}"
    expect(page.locator(f"{prefix}-present_in_person")).to_have_value("6")  # six checked in
    expect(page.locator(f"{prefix}-agents_share")).to_have_value("67")  # four agents of six
    expect(page.get_by_label("La séance a eu lieu", exact=True)).to_be_checked()
    page.get_by_label("Ce qui a marché (facultatif)").fill("Des usagers autour de la table.")
    organiser = page.context.storage_state()
    axe_without_scripts(browser, live_server, path, organiser)
    html = submit(page, "Enregistrer la participation")
    check(page, html)
    outcome = EventOutcome.objects.get(event=event)
    assert outcome.declared_at is not None
    assert outcome.what_worked == "Des usagers autour de la table."
    session.refresh_from_db()
    assert session.attendance.present_in_person == 6

    # The survey command: the six who came are asked, the one who did not is not.
    assert surveys_send(now=at(today, 10)) == 6
    assert surveys_send(now=at(today, 11)) == 0
    run_worker()
    assert not SurveyAnswer.objects.filter(registration__registrant__email=PEOPLE[-1][1]).exists()

    # Five participants answer from their e-mail; the first page is checked with and without
    # JavaScript.
    first = answer_survey(page, PEOPLE[0][1], ANSWERS[0], comment=COMMENT, checked=True)
    check(page, first)
    no_js = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    no_js.set_default_timeout(DEFAULT_TIMEOUT_MS)
    bare = no_js.new_page()
    bare.goto(link_in(last_email("survey_request", PEOPLE[1][1]).body_text, "/questionnaire/"))
    check_without_js(bare)
    # Without JavaScript a form sent empty keeps the visitor on the page, with the errors.
    html = submit(bare, "Envoyer mon avis")
    expect(bare.locator("h1")).to_have_text("Votre avis sur « Fresque de la relation usager »")
    expect(bare.locator(".fr-error-text").first).to_be_visible()
    check_without_js(bare, html)
    answer_survey(bare, PEOPLE[1][1], ANSWERS[1])
    check_without_js(bare)
    for (_, email, _), answer in zip(PEOPLE[2:5], ANSWERS[2:], strict=True):
        answer_survey(page, email, answer)
    assert SurveyAnswer.objects.filter(answered_at__isnull=False).count() == 5
    unanswered = link_in(last_email("survey_request", PEOPLE[5][1]).body_text, "/questionnaire/")
    axe_without_scripts(browser, live_server, unanswered)

    # The organiser sees the results, from five answers, and the comment, never a name.
    results_page = browser.new_context(base_url=live_server.url, storage_state=organiser)
    mine = results_page.new_page()
    mine.goto(f"/espace-organisateur/evenements/{event.pk}/avis/")
    expect(mine.locator("main")).to_contain_text("4,6")
    expect(mine.locator("main")).to_contain_text(COMMENT)
    expect(mine.locator("main")).not_to_contain_text(PEOPLE[0][1])  # no address
    check(mine)
    results_page.close()
    axe_without_scripts(
        browser, live_server, f"/espace-organisateur/evenements/{event.pk}/avis/", organiser
    )

    # A second answer from the same link is refused, kindly.
    page.goto(link_in(last_email("survey_request", PEOPLE[0][1]).body_text, "/questionnaire/"))
    expect(page.locator("h1")).to_have_text("Merci, vous avez déjà répondu")

    # The DITP's moderator sees both in the back-office bilan.
    moderator = UserFactory(moderator=True, email="bilan@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    staff = browser.new_page(base_url=live_server.url)
    log_in_to_admin(staff, moderator.email)
    staff.goto(f"/admin/results/eventoutcome/bilan/?edition={edition.year}")
    figures = staff.locator("#bilan-figures").locator("xpath=..")
    expect(figures).to_contain_text("6 participants déclarés")
    expect(figures).to_contain_text("7 inscrits sur la plateforme")
    expect(figures).to_contain_text("4,6 / 5 (5 réponses)")
    expect(figures).to_contain_text("80 % recommanderaient")
    expect(figures).to_contain_text("100 % vont réutiliser une méthode")
    check(staff)

    # Before its publication the public bilan does not exist.
    public = f"/editions/{edition.year}/bilan/"
    anonymous = browser.new_page(base_url=live_server.url)
    assert anonymous.goto(public).status == 404

    # Published: anyone sees the same figures, and neither the comment nor a name.
    edition.bilan_published_at = timezone.now() - datetime.timedelta(hours=1)
    edition.save(update_fields=["bilan_published_at"])
    for visitor in (anonymous, bare):
        response = visitor.goto(public)
        assert response.status == 200
        expect(visitor.locator("h1")).to_have_text(f"Bilan de l’édition {edition.year}")
        key = visitor.locator("#bilan-chiffres").locator("xpath=..")
        expect(key).to_contain_text("6 participants déclarés par les organisateurs")
        expect(key).to_contain_text("4,6 sur 5 (5 réponses)")
        expect(key).to_contain_text("80 % recommanderaient l’événement")
        content = visitor.content()
        for text in (COMMENT, "Camille Martin", "camille.martin@example.fr", ORGANISER):
            assert text not in content
        assert "Des usagers autour de la table." not in content
        if visitor is bare:
            check_without_js(visitor)
        else:
            check(visitor)
    axe_without_scripts(browser, live_server, public)
    no_js.close()
