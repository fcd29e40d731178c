"""Staff log in through allauth (rate limits, second factor), never the admin's own form;
superusers need TOTP to reach the admin when STAFF_REQUIRE_2FA is set. TOTP codes are
computed here from the secret, as an authenticator app does (RFC 6238)."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from moisinno.models import OutgoingEmail
from moisinno.security import TWO_FACTOR_REQUIRED_MESSAGE
from tests.authenticator import totp_code
from tests.factories import PASSWORD, UserFactory

ADMIN = "/admin/"
LOGIN = "/compte/login/"
ACTIVATE_TOTP = "/compte/2fa/totp/activate/"
MFA_AUTHENTICATE = "/compte/2fa/authenticate/"


def staff(email: str = "chef@modernisation.gouv.fr", **kwargs):
    user = UserFactory(email=email, is_staff=True, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def log_in(client, email: str, password: str = PASSWORD, next_url: str = ADMIN):
    return client.post(LOGIN, {"login": email, "password": password, "next": next_url})


# --- The admin's login goes through allauth ----------------------------------------------------


def test_the_admin_sends_to_the_site_login_page(client, db):
    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2F"
    assert "Se connecter" in response.content.decode()


def test_the_admin_login_form_no_longer_logs_anyone_in(client, db):
    user = staff(is_superuser=True)

    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": PASSWORD, "next": ADMIN}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_staff_log_in_through_allauth_and_reach_the_admin(client, db):
    user = staff()

    response = log_in(client, user.email)

    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_seventy_wrong_passwords_then_the_right_one_do_not_open_the_admin(client, db):
    """The issue's attack: the lock-out holds from the 6th attempt, right password or not."""
    user = staff(is_superuser=True)
    outcomes = []
    for _ in range(70):
        response = client.post(
            reverse("admin:login") + "?next=/admin/",
            {"username": user.email, "password": "mauvais"},
            follow=True,
        )
        # The admin's form is gone: the attempt lands on allauth's login page, where it is
        # typed again.
        response = log_in(client, user.email, "mauvais")
        outcomes.append("Trop de tentatives" in response.content.decode())

    response = log_in(client, user.email)

    assert outcomes.index(True) == 5  # attempts 1–5 are checked, the 6th is refused
    assert all(outcomes[5:])
    # Refused (by then allauth's 30 logins a minute per IP answer 429 too), not logged in.
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


# --- Two-factor authentication -----------------------------------------------------------------


def activate_totp(client, password: str = PASSWORD) -> tuple[str, list[str]]:
    """Go through TOTP activation as a person does: confirm the password, scan, type the code.
    Returns the secret and the recovery codes shown."""
    response = client.get(ACTIVATE_TOTP)
    if response.status_code == 302:  # allauth asks for the password again first
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        response = client.post(response["Location"], {"password": password, "next": ACTIVATE_TOTP})
        assert response["Location"] == ACTIVATE_TOTP
        response = client.get(ACTIVATE_TOTP)
    assert response.status_code == 200
    html = response.content.decode()
    secret = response.context["form"].secret
    assert secret in html  # shown for apps that cannot scan
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:

    response = client.post(ACTIVATE_TOTP, {"code": totp_code(secret)})

    assert response.status_code == 302, response.context["form"].errors
    codes_page = client.get(response["Location"])
    codes = re.findall(r"\b[0-9a-f]{8}\b", codes_page.content.decode())
    assert len(codes) == 10
    return secret, codes


def test_a_superuser_without_totp_is_sent_to_set_it_up_in_french(client, db, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff(is_superuser=True)
    log_in(client, user.email)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_TOTP
    assert client.get(reverse("admin:events_event_changelist")).status_code == 302
    # Once the password is confirmed, the set-up page says why, in French.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(ACTIVATE_TOTP)
    html = page.content.decode()
    assert TWO_FACTOR_REQUIRED_MESSAGE in messages_of(page)
    assert '<html lang="fr"' in html
    assert "Activer la double authentification" in html
    assert 'alt="QR code à scanner avec votre application d’authentification' in html


def test_after_activating_totp_the_superuser_reaches_the_admin(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_REQUIRE_2FA = True
    user = staff(is_superuser=True)
    log_in(client, user.email)

    with django_capture_on_commit_callbacks(execute=True):
        activate_totp(client)

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(ADMIN).status_code == 200
    # Told by e-mail, through the outbox, like every account e-mail.
    assert [(email.to, email.template) for email in OutgoingEmail.objects.all()] == [
        ([user.email], "mfa/email/totp_activated")
    ]


def test_the_admin_logout_stays_open_to_a_superuser_without_totp(client, db, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff(is_superuser=True)
    log_in(client, user.email)

    client.post(reverse("admin:logout"))

    assert "_auth_user_id" not in client.session


def test_a_moderator_without_totp_still_reaches_the_admin(client, db, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff()  # staff, not superuser
    log_in(client, user.email)

    assert client.get(ADMIN).status_code == 200


def test_without_staff_require_2fa_a_superuser_reaches_the_admin_without_totp(client, db, settings):
    settings.STAFF_REQUIRE_2FA = False
    user = staff(is_superuser=True)
    log_in(client, user.email)

    assert client.get(ADMIN).status_code == 200


@pytest.fixture
def totp_superuser(db, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff(is_superuser=True)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, secret, codes


def test_with_totp_the_password_alone_does_not_log_in(client, totp_superuser):
    user, _secret, _codes = totp_superuser

    response = log_in(client, user.email)

    assert response["Location"] == MFA_AUTHENTICATE
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_the_code_of_the_authenticator_app_completes_the_login(client, totp_superuser):
    user, secret, _codes = totp_superuser
    log_in(client, user.email)

    response = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})

    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_or_stale_code_is_refused_in_french(client, totp_superuser):
    user, secret, _codes = totp_superuser
    log_in(client, user.email)

    for code in ("000000", totp_code(secret, at=time.time() - 120)):
        response = client.post(MFA_AUTHENTICATE, {"code": code})

        assert response.status_code == 200
        assert "Code incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_of_the_previous_step_is_still_accepted(client, totp_superuser):
    """Typed as the phone rolls over to the next code, it arrives one step late."""
    user, secret, _codes = totp_superuser
    log_in(client, user.email)

    response = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret, at=time.time() - 30)})

    assert response["Location"] == ADMIN


def test_a_code_two_steps_old_is_refused(client, totp_superuser):
    user, secret, _codes = totp_superuser
    log_in(client, user.email)

    response = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret, at=time.time() - 65)})

    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()


def test_a_code_cannot_be_used_twice(client, totp_superuser):
    user, secret, _codes = totp_superuser
    code = totp_code(secret)
    log_in(client, user.email)
    client.post(MFA_AUTHENTICATE, {"code": code})
    client.post(reverse("account_logout"))

    log_in(client, user.email)
    response = client.post(MFA_AUTHENTICATE, {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(client, totp_superuser):
    user, _secret, codes = totp_superuser
    log_in(client, user.email)

    response = client.post(MFA_AUTHENTICATE, {"code": codes[0]})

    assert response["Location"] == ADMIN
    client.post(reverse("account_logout"))
    log_in(client, user.email)
    response = client.post(MFA_AUTHENTICATE, {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_guessing_the_second_factor_is_rate_limited(client, totp_superuser):
    user, secret, _codes = totp_superuser
    log_in(client, user.email)
    for _ in range(5):
        client.post(MFA_AUTHENTICATE, {"code": "000000"})

    response = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})

    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
