"""The three journeys of issue 13 with the keyboard only: Tab, Enter, Space, arrows and typing.

Each Tab press is counted, and the journey fails when the focus is lost (back on the page's
body), invisible (no outline or shadow, or outside the window), or trapped (the same element
again and again, or the target never reached). The counts are printed (`-s`) and bounded, so
a regression that adds tab stops before the content fails too.

The journeys (Chromium, 1,280 × 800; the counts are in the report of issue 13):
- visitor: filter the programme by region, open an event;
- organiser: fill the event form with two sessions, save it, submit it;
- moderator: open the first event of the queue, approve it after the confirmation step.
"""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from events.enums import EventStatus
from events.models import Event, Format
from tests.e2e.conftest import open_edition
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What the focused element shows: DSFR and the admin draw an outline (or a shadow).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {lost: true, id: "", label: "", tag: "", key: ""};
  }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const drawn = (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
    || (s.boxShadow && s.boxShadow !== "none");
  // DSFR draws some rings on a pseudo-element, or on the card or brand that holds the link
  // (fr-enlarge-link, :focus-within).
  let ring = drawn(style) || drawn(getComputedStyle(el, "::before"))
    || drawn(getComputedStyle(el, "::after"));
  for (let up = el.parentElement, n = 0; !ring && up && n < 4; up = up.parentElement, n++) {
    ring = drawn(getComputedStyle(up));
  }
  const inView = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
    && rect.top < window.innerHeight && rect.left < window.innerWidth;
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id
    || "").trim().split("\\n")[0].slice(0, 80);
  const box = [rect.left, rect.top, rect.width, rect.height].map(Math.round).join(",")
    + " in " + window.innerWidth + "x" + window.innerHeight + " scrollY " + Math.round(scrollY);
  return {lost: false, visible: ring, inView, box, tag: el.tagName, id: el.id, label,
          key: el.tagName + "#" + el.id + "|" + label};
}"""


class Keyboard:
    """Tab through a page as a keyboard user does, checking each stop."""

    def __init__(self, page: Page):
        self.page = page
        self.presses = 0

    def tab_to(self, matches, *, limit: int = 200) -> int:
        """Press Tab until the focused element matches; return the presses it took."""
        presses = 0
        repeats = 0
        previous = None
        self.page.wait_for_load_state()
        if matches(self.page.evaluate(FOCUS_STATE)):  # already there (autofocus)
            return 0
        while presses < limit:
            self.page.keyboard.press("Tab")
            presses += 1
            state = self.page.evaluate(FOCUS_STATE)
            for _ in range(30):  # the browser may scroll smoothly to the focused element
                if state["lost"] or state["inView"]:
                    break
                self.page.wait_for_timeout(100)
                state = self.page.evaluate(FOCUS_STATE)
            where = f"after {presses} Tab presses on {self.page.url}"
            assert not state["lost"], f"focus lost {where}"
            assert state["inView"], f"focused element off-screen {where}: {state}"
            assert state["visible"], f"focus not visible {where}: {state}"
            # A date or time input takes one Tab per part (day, month, year, the picker's
            # button): allow that much.
            repeats = repeats + 1 if state["key"] == previous else 0
            assert repeats < 4, f"focus trapped {where}: {state}"
            previous = state["key"]
            if matches(state):
                self.presses += presses
                return presses
        pytest.fail(f"not reached within {limit} Tab presses on {self.page.url}", pytrace=False)

    def tab_to_id(self, element_id: str, **kwargs) -> int:
        return self.tab_to(lambda state: state["id"] == element_id, **kwargs)

    def tab_to_label(self, text: str, **kwargs) -> int:
        return self.tab_to(lambda state: state["label"].startswith(text), **kwargs)


def test_visitor_filters_the_programme_and_opens_an_event_with_the_keyboard(page: Page, demo):
    keys = Keyboard(page)
    page.goto("/programme/")

    to_region = keys.tab_to_id("id_region")
    page.keyboard.type("Bretagne")
    to_submit = keys.tab_to_label("Afficher les résultats")
    page.keyboard.press("Enter")

    expect(page.locator("#results-title")).to_have_text(re.compile(r"1\s+événement"))
    expect(page.locator("#results-title")).to_be_focused()
    to_result = keys.tab_to(
        lambda state: state["tag"] == "A" and "fête son anniversaire" in state["label"]
    )
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Le Ti Lab fête son anniversaire")

    print(
        f"\nKeyboard, visitor: {to_region} Tab to the region, {to_submit} to the button, "
        f"{to_result} from the results' heading to the first result; {keys.presses} in all"
    )
    assert to_result <= 20  # was 51 from the top of the page before the focus moved
    assert keys.presses <= 60


def _keyboard_login(page: Page, keys: Keyboard, email: str) -> None:
    page.goto("/compte/login/")
    keys.tab_to_id("id_login")
    page.keyboard.type(email)
    keys.tab_to_id("id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def _type_date(page: Page, day: datetime.date) -> None:
    """Type a date in Chromium's date input: its parts follow the browser's own locale (day
    first in French, month first in English), each part moving to the next when full."""
    page.keyboard.type(day.strftime("%d%m%Y"))
    if page.evaluate("document.activeElement.value") != day.isoformat():
        page.keyboard.press("Shift+Tab")  # back to the first part
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.evaluate("document.activeElement.value") == day.isoformat()


def _type_place(page, keys, index: int) -> None:
    """Type a session's place (in person) with the keyboard."""
    for field, text in [
        (f"id_sessions-{index}-address", "3 avenue de la Préfecture"),
        (f"id_sessions-{index}-city", "Rennes"),
    ]:
        keys.tab_to_id(field)
        page.keyboard.type(text)
    keys.tab_to_id(f"id_sessions-{index}-department")
    page.keyboard.type("Ille-et-Vilaine")
    expect(page.locator(f"#id_sessions-{index}-department")).to_have_value("35")


def test_organiser_fills_and_submits_the_event_form_with_the_keyboard(page: Page):
    edition = open_edition()
    Format.objects.get_or_create(slug="atelier", defaults={"name": "Atelier"})
    membership = MembershipFactory(
        user__email="agent@bretagne.gouv.fr", organization__name="Préfecture d’Ille-et-Vilaine"
    )
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    first_day = edition.start_date + datetime.timedelta(days=2)
    second_day = edition.start_date + datetime.timedelta(days=9)
    keys = Keyboard(page)
    _keyboard_login(page, keys, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace organisateur")
    login_presses = keys.presses

    keys.tab_to_label("Référencer un événement")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Référencer un événement")
    form_start = keys.presses

    # In the form's order: presentation, sessions, place, contacts.
    for field, text in [
        ("id_title", "Atelier FALC : écrire pour être compris"),
        ("id_summary", "Une matinée pour apprendre à écrire facile à lire."),
        ("id_description", "Un atelier pratique, avec des usagers."),
    ]:
        keys.tab_to_id(field)
        page.keyboard.type(text)
    keys.tab_to_id("id_format")
    page.keyboard.type("Atelier")
    keys.tab_to_id("id_sessions-0-date")
    _type_date(page, first_day)
    keys.tab_to_id("id_sessions-0-start_time")
    page.keyboard.type("1000")
    keys.tab_to_id("id_sessions-0-end_time")
    page.keyboard.type("1200")
    # In person: the radio group's first choice (Tab lands on the checked radio).
    keys.tab_to(lambda state: state["id"].startswith("id_sessions-0-attendance_mode_"))
    for _ in range(3):  # the arrows move the choice within the group
        if page.locator("#id_sessions-0-attendance_mode_0").is_checked():
            break
        page.keyboard.press("ArrowUp")
    expect(page.locator("#id_sessions-0-attendance_mode_0")).to_be_checked()
    _type_place(page, keys, 0)
    keys.tab_to_label("Ajouter une séance")
    page.keyboard.press("Enter")
    expect(page.locator("#id_sessions-1-date")).to_be_focused()
    _type_date(page, second_day)
    keys.tab_to_id("id_sessions-1-start_time")
    page.keyboard.type("1400")
    _type_place(page, keys, 1)  # in person, the default mode
    keys.tab_to_id("id_private_contact_email")
    page.keyboard.type("contact@bretagne.gouv.fr")
    keys.tab_to_label("Enregistrer le brouillon")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    form_presses = keys.presses - form_start

    event = Event.objects.get()
    assert list(event.sessions.values_list("date", flat=True)) == [first_day, second_day]
    submit_start = keys.presses
    page.goto("/espace-organisateur/")
    keys.tab_to(lambda state: state["tag"] == "A" and state["label"].startswith("Soumettre"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/soumettre/"))
    assert page.locator("#eligibility-errors").count() == 0, page.locator("main").inner_text()
    keys.tab_to_label("Soumettre à l’équipe DITP")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Soumis à validation", exact=True)).to_be_visible()
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED

    print(
        f"\nKeyboard, organiser: {login_presses} Tab to log in, {form_presses} to fill and save "
        f"the form with two sessions, {keys.presses - submit_start} to submit it; "
        f"{keys.presses} in all"
    )
    assert keys.presses <= 250


def test_moderator_approves_an_event_in_the_admin_with_the_keyboard(page: Page):
    edition = open_edition()
    day = edition.start_date + datetime.timedelta(days=3)
    for number in range(3):
        EventFactory(
            edition=edition,
            status=EventStatus.SUBMITTED,
            submitted_at=datetime.datetime(2026, 10, 1 + number, tzinfo=datetime.UTC),
            title=f"Atelier soumis n° {number}",
            slug=f"atelier-soumis-{number}",
            starts_on=day,
            eligible=True,
        )
    moderator = UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    keys = Keyboard(page)
    # Staff log in on the site's login page (allauth's limits and second factor).
    _keyboard_login(page, keys, moderator.email)
    expect(page).not_to_have_url(re.compile("/login/"))

    page.goto("/admin/events/event/")
    to_first = keys.tab_to(lambda state: state["label"] == "Atelier soumis n° 0")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Décision de modération")).to_be_visible()
    to_decision = keys.tab_to_label("Approuver et publier…")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Confirmez la décision « Approuver et publier »")).to_be_visible()
    to_confirm = keys.tab_to_label("Confirmer : approuver et publier")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("« Atelier soumis n° 0 » est publié.")
    assert Event.objects.get(slug="atelier-soumis-0").status == EventStatus.PUBLISHED

    print(
        f"\nKeyboard, moderator: {to_first} Tab to the first event of the queue, "
        f"{to_decision} to « Approuver et publier… », {to_confirm} to the confirmation; "
        f"{keys.presses} in all (log-in included)"
    )
    assert to_first <= 40  # was 155, the filters' links first
