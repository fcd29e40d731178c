"""The accessibility defects of issue 13 (§4) that only a browser shows: focus after a reload,
small screens, 200 % zoom, no JavaScript. The markup-level ones are in
tests/programme/test_accessibility_markup.py and tests/events/test_admin_accessibility.py."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.enums import EventStatus
from tests.e2e.conftest import open_edition
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILTER_GROUPS = [
    "Format",
    "Thématiques",
    "Organisateurs et laboratoires",
    "Public et accessibilité",
]


def _horizontal_overflow(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 375, "height": 800},
        # 200 % zoom of a 1,280 px window: the page lays out in 640 CSS pixels.
        {"width": 640, "height": 400},
    ],
    ids=["375px", "zoom-200"],
)
def test_programme_never_scrolls_sideways_with_a_filter_group_open(page: Page, demo, viewport):
    page.set_viewport_size(viewport)
    page.goto("/programme/")
    assert _horizontal_overflow(page) == 0

    for group in FILTER_GROUPS:
        page.locator("summary", has_text=group).click()
        assert _horizontal_overflow(page) == 0, group


def test_small_screen_header_links_are_reachable_without_javascript(browser: Browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto("/")

        navigation = page.get_by_role("navigation", name="Menu principal")
        for name in ["Programme", "Laboratoires", "Organiser un événement"]:
            expect(navigation.get_by_role("link", name=name)).to_be_visible()
        expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        # The menu button, which only a script can open, is not offered.
        expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
        assert _horizontal_overflow(page) == 0

        page.get_by_role("link", name="Se connecter").click()
        expect(page).to_have_url(re.compile("/compte/login/"))
    finally:
        context.close()


def test_small_screen_menu_still_opens_as_a_dialog_with_javascript(page: Page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")

    expect(page.get_by_role("link", name="Laboratoires")).to_be_hidden()
    page.get_by_role("button", name="Menu", exact=True).click()

    expect(page.get_by_role("dialog", name="Menu")).to_be_visible()
    expect(page.get_by_role("link", name="Laboratoires")).to_be_visible()


def test_filtering_the_programme_moves_the_focus_to_the_number_of_results(page: Page, demo):
    page.goto("/programme/")
    skip = page.get_by_role("link", name="Aller aux résultats")
    expect(skip).to_be_visible()

    page.get_by_label("Région").select_option("53")
    page.get_by_role("button", name="Afficher les résultats").click()

    heading = page.locator("#results-title")
    expect(heading).to_have_text(re.compile(r"1\s+événement"))
    expect(heading).to_be_focused()
    # The next Tab leads into the results, not back to the top of the filters.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#resultats') !== null")
    assert focused


def test_skip_link_is_visible_on_a_phone_too(page: Page, demo):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/programme/")

    page.get_by_role("link", name="Aller aux résultats").click()

    expect(page).to_have_url(re.compile("#resultats$"))


def test_event_page_on_a_phone_shows_the_practical_box_before_the_description(page: Page, demo):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/evenements/ti-lab-fete-son-anniversaire/")

    box = page.get_by_role("heading", name="En pratique").bounding_box()
    description = page.get_by_role("heading", name="Présentation").bounding_box()

    assert box["y"] < description["y"]
    assert _horizontal_overflow(page) == 0


def _log_in(page: Page, email: str) -> None:
    page.goto("/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace organisateur")


def test_error_summaries_take_the_focus_when_a_form_comes_back(page: Page):
    open_edition()
    membership = MembershipFactory(user__email="agent@bretagne.gouv.fr")
    EmailAddress.objects.create(
        user=membership.user, email=membership.user.email, verified=True, primary=True
    )
    _log_in(page, membership.user.email)

    # The event form.
    page.goto(
        f"/espace-organisateur/evenements/nouveau/?organisation={membership.organization.slug}"
    )
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Enregistrer le brouillon").first.click()
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")  # the first error's link, which leads to its field
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_focused()

    # The organisation form.
    page.goto("/espace-organisateur/organisation/nouvelle/")
    page.locator("#id_name").fill("")
    page.locator("main form [type=submit]").last.click()
    expect(page.locator("#error-summary")).to_be_focused()


def test_moderation_queue_fits_a_1280_px_screen_with_its_events_first(page: Page):
    edition = open_edition()
    for number in range(3):
        EventFactory(
            edition=edition,
            status=EventStatus.SUBMITTED,
            submitted_at=timezone.now(),
            title=f"Session de créativité du laboratoire régional et des partenaires n° {number}",
            organization__name="Direction générale de l’administration et de la fonction publique",
        )
    moderator = UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    # Staff log in on the site's login page (allauth's limits and second factor).
    page.goto("/compte/login/?next=/admin/")
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/events/event/")

    expect(page.locator("h1")).to_have_text("File de modération : événements à traiter")
    table = page.locator("#result_list").bounding_box()
    column = page.locator("#changelist-form").bounding_box()
    assert table["x"] + table["width"] <= column["x"] + column["width"] + 1
    assert table["x"] + table["width"] <= 1280
    assert _horizontal_overflow(page) == 0
    # The status and the submission date, last columns, are on screen.
    expect(page.locator("#result_list td.field-status").first).to_be_in_viewport()
    expect(page.locator("#result_list td.field-submitted_at").first).to_be_in_viewport()
