"""Accounts (django-allauth under /compte/): French DSFR pages, verification, no enumeration,
rate limits, and account emails through the durable outbox."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from moisinno.models import OutgoingEmail
from tests.factories import PASSWORD, MembershipFactory, UserFactory

NEW_PASSWORD = "Un-mot-de-passe-bien-long-2026"

ANONYMOUS_PAGES = [
    ("account_signup", "Créer un compte organisateur"),
    ("account_login", "Se connecter à l’espace organisateur"),
    ("account_reset_password", "Mot de passe oublié"),
    ("account_reset_password_done", "Consultez votre messagerie"),
    ("account_email_verification_sent", "Confirmez votre adresse électronique"),
    ("account_inactive", None),
]
AUTHENTICATED_PAGES = [
    ("account_logout", "Se déconnecter"),
    ("account_email", "Changer d’adresse électronique"),
    ("account_change_password", "Changer de mot de passe"),
    ("account_reauthenticate", None),
]
# Words of allauth's stock English pages and of its bare layout.
STOCK_MARKERS = ["Sign In", "Sign Up", "Menu:", "Email Address", "Password Reset", "Messages:"]


def verified_user(email="agent@bretagne.gouv.fr", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def link_in(email: OutgoingEmail) -> str:
    return re.search(r"https?://\S+", email.body_text).group(0)


def assert_site_page(html: str) -> None:
    assert 'class="fr-header"' in html and 'id="footer"' in html
    assert '<html lang="fr"' in html
    for marker in STOCK_MARKERS:
        assert marker not in html
    assert " style=" not in html  # strict CSP: no inline style


@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_PAGES)
def test_allauth_pages_use_the_site_layout_in_french(client, db, name, heading):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert_site_page(html)
    if heading:
        assert re.search(rf"<h1[^>]*>\s*{re.escape(heading)}\s*</h1>", html)


@pytest.mark.parametrize(("name", "heading"), AUTHENTICATED_PAGES)
def test_account_management_pages_use_the_site_layout(client, db, name, heading):
    client.force_login(verified_user())

    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert_site_page(html)
    if heading:
        assert re.search(rf"<h1[^>]*>\s*{re.escape(heading)}\s*</h1>", html)


def test_expired_confirmation_link_page_is_french(client, db):
    html = client.get(reverse("account_confirm_email", args=["inconnu"])).content.decode()

    assert_site_page(html)
    assert "Ce lien de confirmation a expiré ou n’est pas valide." in html


def test_signup_form_errors_are_tied_and_summarised(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "pas-une-adresse", "password1": "court", "password2": "autre"},
    )

    html = response.content.decode()
    assert "Erreur\u00a0:" in html.split("</title>")[0]
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_email"' in summary
    assert 'aria-describedby="id_email-desc-error"' in html
    assert 'value="pas-une-adresse"' in html


def test_signup_sends_the_verification_through_the_outbox_and_confirms(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Nouvelle@Bretagne.gouv.fr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get()
    assert user.email == "nouvelle@bretagne.gouv.fr"
    email = OutgoingEmail.objects.get()
    assert email.to == ["nouvelle@bretagne.gouv.fr"]
    assert email.subject == ("[Mois de l'innovation publique] Confirmez votre adresse électronique")
    assert email.template == "account/email/email_confirmation_signup"
    assert "Bonjour," in email.body_text
    assert "example.com" not in email.body_text
    # Not logged in before the address is verified.
    assert client.get(reverse("organizers:dashboard")).status_code == 302

    confirm_url = link_in(email)
    page = client.get(confirm_url)
    assert "Confirmer mon adresse" in page.content.decode()
    response = client.post(confirm_url)

    assert EmailAddress.objects.get(user=user).verified
    assert response["Location"] == reverse("organizers:dashboard")
    assert client.get(reverse("organizers:dashboard")).status_code == 200


def test_login_by_email_before_verification_resends_the_link(client, db):
    UserFactory(email="attente@bretagne.gouv.fr")
    EmailAddress.objects.create(
        user=get_user_model().objects.get(), email="attente@bretagne.gouv.fr", verified=False
    )

    response = client.post(
        reverse("account_login"), {"login": "attente@bretagne.gouv.fr", "password": PASSWORD}
    )

    assert response["Location"] == reverse("account_email_verification_sent")
    assert OutgoingEmail.objects.filter(to=["attente@bretagne.gouv.fr"]).count() == 1


def test_login_by_email_leads_to_the_dashboard(client, db):
    user = verified_user()
    MembershipFactory(user=user)

    response = client.post(
        reverse("account_login"), {"login": "agent@bretagne.gouv.fr", "password": PASSWORD}
    )

    assert response["Location"] == reverse("organizers:dashboard")


def test_signup_with_an_existing_address_reveals_nothing(client, db):
    verified_user("agent@bretagne.gouv.fr")
    data = {"email": "agent@bretagne.gouv.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    response = client.post(reverse("account_signup"), data)

    # Same answer as for a new address; the owner of the address is told by email.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    email = OutgoingEmail.objects.get()
    assert email.template == "account/email/account_already_exists"
    assert email.to == ["agent@bretagne.gouv.fr"]


def test_password_reset_reveals_nothing_about_unknown_addresses(client, db):
    verified_user("agent@bretagne.gouv.fr")

    known = client.post(reverse("account_reset_password"), {"email": "agent@bretagne.gouv.fr"})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnu@example.fr"})

    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    templates = dict(OutgoingEmail.objects.values_list("template", "to"))
    assert templates["account/email/password_reset_key"] == ["agent@bretagne.gouv.fr"]
    assert templates["account/email/unknown_account"] == ["inconnu@example.fr"]


def test_failed_login_message_does_not_say_which_part_is_wrong(client, db):
    verified_user("agent@bretagne.gouv.fr")

    known = client.post(
        reverse("account_login"), {"login": "agent@bretagne.gouv.fr", "password": "faux"}
    )
    unknown = client.post(
        reverse("account_login"), {"login": "inconnu@example.fr", "password": "faux"}
    )

    def message(response):
        summary = response.content.decode().split('id="error-summary"', 1)[1]
        return summary.split("</ul>", 1)[0]

    assert message(known) == message(unknown)


def test_password_reset_sets_a_new_password(client, db):
    user = verified_user()
    client.post(reverse("account_reset_password"), {"email": user.email})
    reset_url = link_in(OutgoingEmail.objects.get())

    form_url = client.get(reset_url)["Location"]  # allauth hides the key from the page URL
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_failed_logins_are_rate_limited(client, db):
    verified_user("agent@bretagne.gouv.fr")
    data = {"login": "agent@bretagne.gouv.fr", "password": "faux"}
    for _ in range(5):
        client.post(reverse("account_login"), data)

    response = client.post(reverse("account_login"), {**data, "password": PASSWORD})

    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_rate_limit_answers_with_the_site_429_page(client, db):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "agent@bretagne.gouv.fr"})

    response = client.post(reverse("account_reset_password"), {"email": "agent@bretagne.gouv.fr"})

    assert response.status_code == 429
    html = response.content.decode()
    assert_site_page(html)
    assert re.search(r"<h1>\s*Trop de tentatives\s*</h1>", html)


def test_email_change_verifies_the_new_address_first(client, db):
    user = verified_user()
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@bretagne.gouv.fr"})

    page = client.get(reverse("account_email")).content.decode()
    assert "Changement en attente de confirmation" in page
    user.refresh_from_db()
    assert user.email == "agent@bretagne.gouv.fr"
    email = OutgoingEmail.objects.get(to=["nouvelle@bretagne.gouv.fr"])
    client.post(link_in(email))
    user.refresh_from_db()
    assert user.email == "nouvelle@bretagne.gouv.fr"


def test_logout_asks_then_logs_out(client, db):
    client.force_login(verified_user())

    assert client.get(reverse("account_logout")).status_code == 200
    response = client.post(reverse("account_logout"))

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
