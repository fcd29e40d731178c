"""A superuser's first visit to the admin with STAFF_REQUIRE_2FA, in a real browser: the
site's login, sent to activate two-factor authentication, the code computed from the secret
shown on the page as an authenticator app does, the recovery codes, the admin; then a second
login with a recovery code. axe-core and the HTML checker scan each page; Chromium must not
complain about the Permissions-Policy header."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.authenticator import unhurried_totp_code
from tests.e2e.scan import scan
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "directrice@modernisation.gouv.fr"


def log_in(page: Page) -> None:
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=%2Fadmin%2F"))
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_superuser_sets_up_two_factor_authentication_before_the_admin(page: Page, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = UserFactory(email=EMAIL, is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    policy_errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Permissions-Policy" in message.text or "Permissions policy" in message.text:
            policy_errors.append(message.text)

    page.on("console", record)

    log_in(page)
    # Sent to the set-up, told why, after confirming the password once more.
    expect(page).to_have_url(re.compile(r"/compte/reauthenticate/"))
    expect(page.locator("body")).to_contain_text("Pour accéder au back-office DITP")
    scan(page)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(re.compile(r"/compte/2fa/totp/activate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    scan(page)
    page.reload()  # each display draws a new secret: the checker's fetch drew one

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code de l'authentificateur").fill(unhurried_totp_code(secret))
    page.get_by_role("button", name="Activer").click()

    expect(page).to_have_url(re.compile(r"/compte/2fa/recovery-codes/"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    scan(page)

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_contain_text("back-office DITP")

    # The next login asks for a code; a recovery code does it.
    page.context.clear_cookies()
    log_in(page)
    expect(page).to_have_url(re.compile(r"/compte/2fa/authenticate/"))
    scan(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    assert policy_errors == []
