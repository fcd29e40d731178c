"""Signing in with ProConnect, against a local OpenID provider answering like ProConnect
(tests/oidc_server.py, RSA keys of the run): the redirect's parameters, the first sign-in,
and every refusal (nonce, state, signatures, keys, provider down), which creates nothing."""

import json
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth import get_user_model
from django.urls import reverse

from moisinno.models import OutgoingEmail
from moisinno.proconnect import oidc
from tests.factories import PASSWORD, UserFactory
from tests.oidc_server import CLIENT_ID, agent_claims

pytestmark = pytest.mark.django_db

User = get_user_model()
DOCUMENTED_PARAMETERS = {
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "claims",
}


def start(client) -> dict[str, str]:
    """Click « S'identifier avec ProConnect »: the parameters sent to ProConnect."""
    response = client.post(reverse("proconnect_login"))
    assert response.status_code == 302, response.content.decode()[:500]
    query = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True)
    return {name: values[0] for name, values in query.items()}


def sign_in(client, server, claims: dict | None = None):
    """The whole round trip: ProConnect hands a code once the agent consented."""
    params = start(client)
    code = server.issue(nonce=params["nonce"], claims=claims)
    return client.get(reverse("proconnect_callback"), {"code": code, "state": params["state"]})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_refused(response, message: str) -> None:
    assert response.status_code == 401
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


# Off ----------------------------------------------------------------------------------------


def test_without_the_variables_nothing_of_proconnect_shows(client):
    assert "ProConnect" not in client.get(reverse("account_login")).content.decode()
    assert "ProConnect" not in client.get(reverse("account_signup")).content.decode()
    assert "ProConnect" not in client.get("/donnees-personnelles/").content.decode()
    assert client.post(reverse("proconnect_login")).status_code == 404
    callback = client.get(reverse("proconnect_callback"), {"code": "x", "state": "y"})
    assert callback.status_code == 404
    assert client.get(reverse("proconnect_link")).status_code == 404
    client.force_login(UserFactory())
    assert client.get("/compte/3rdparty/").status_code == 404
    assert client.get(reverse("organizers:organization_proconnect")).status_code == 404
    assert "ProConnect" not in client.get(reverse("organizers:dashboard")).content.decode()


def test_with_the_variables_the_login_page_shows_the_proconnect_button(client, proconnect_server):
    page = client.get(reverse("account_login")).content.decode()
    assert "S’identifier avec" in page
    assert '<span class="fr-connect__brand">ProConnect</span>' in page
    assert 'href="https://www.proconnect.gouv.fr/"' in page
    assert "Qu’est-ce que ProConnect\u00a0?" in page


# The redirect ---------------------------------------------------------------------------------


def test_the_redirect_sends_only_documented_parameters_and_long_state_and_nonce(
    client, proconnect_server
):
    params = start(client)

    assert set(params) == DOCUMENTED_PARAMETERS  # anything else: ProConnect's Y000400
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/compte/proconnect/login/callback/"
    assert set(params["scope"].split()) == set(oidc.SCOPES)
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["state"] != params["nonce"]
    assert json.loads(params["claims"])["id_token"]["amr"] == {"essential": True}


def test_each_sign_in_draws_a_new_state_and_nonce(client, proconnect_server):
    first, second = start(client), start(client)
    assert first["state"] != second["state"]
    assert first["nonce"] != second["nonce"]


# A first sign-in ----------------------------------------------------------------------------


def test_a_first_sign_in_creates_the_account_with_a_verified_address(client, proconnect_server):
    response = sign_in(client, proconnect_server)

    assert response.status_code == 302
    assert response["Location"] == reverse("organizers:dashboard")
    user = User.objects.get()
    assert logged_in_user_id(client) == str(user.pk)
    assert (user.email, user.first_name, user.last_name) == (
        "camille.martin@interieur.gouv.fr",
        "Camille",
        "Martin",
    )
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("proconnect", "a1b2c3-agent-sub")
    # Only what is needed is kept: the SIRET, how the agent authenticated.
    assert account.extra_data == {"siret": "11004601800013", "acr": "eidas1", "amr": ["pwd"]}
    assert not SocialToken.objects.exists()
    # The id_token, for the logout through ProConnect.
    assert client.session["proconnect_id_token"].count(".") == 2


def test_the_next_sign_in_finds_the_account_by_sub_not_by_address(client, proconnect_server):
    sign_in(client, proconnect_server)
    client.logout()

    # The agent's address changed at their administration: the same sub is the same account.
    response = sign_in(client, proconnect_server, agent_claims(email="c.martin@interieur.gouv.fr"))

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert logged_in_user_id(client) == str(User.objects.get().pk)


def test_a_sign_in_survives_a_rotation_of_proconnect_s_keys(client, proconnect_server):
    sign_in(client, proconnect_server)
    client.logout()
    proconnect_server.rotate()  # the cached jwks no longer has the new kid

    response = sign_in(client, proconnect_server)

    assert response.status_code == 302
    assert logged_in_user_id(client)


# Refusals -------------------------------------------------------------------------------------


def test_an_id_token_with_another_nonce_is_refused(client, proconnect_server):
    proconnect_server.nonce_override = "n" * 43

    assert_refused(sign_in(client, proconnect_server), "La réponse de ProConnect n’a pas pu")
    assert logged_in_user_id(client) is None


def test_a_replayed_state_is_refused(client, proconnect_server):
    params = start(client)
    code = proconnect_server.issue(nonce=params["nonce"])
    callback = reverse("proconnect_callback")
    assert client.get(callback, {"code": code, "state": params["state"]}).status_code == 302
    client.logout()
    User.objects.all().delete()

    # The same state again, even with a fresh code of ProConnect's.
    again = client.get(
        callback,
        {"code": proconnect_server.issue(nonce=params["nonce"]), "state": params["state"]},
    )

    assert_refused(again, "Cette connexion avec ProConnect a expiré ou a déjà servi")


def test_a_forged_state_is_refused(client, proconnect_server):
    start(client)
    code = proconnect_server.issue(nonce="n" * 43)

    response = client.get(reverse("proconnect_callback"), {"code": code, "state": "s" * 43})

    assert_refused(response, "Cette connexion avec ProConnect a expiré ou a déjà servi")


def test_a_tampered_userinfo_signature_is_refused(client, proconnect_server):
    proconnect_server.userinfo_tamper = True

    assert_refused(sign_in(client, proconnect_server), "La réponse de ProConnect n’a pas pu")


def test_a_userinfo_in_plain_json_is_refused(client, proconnect_server):
    proconnect_server.userinfo_as_json = True

    assert_refused(sign_in(client, proconnect_server), "La réponse de ProConnect n’a pas pu")


def test_an_unknown_kid_is_refused_after_reading_the_keys_again(client, proconnect_server):
    proconnect_server.unknown_kid = True

    assert_refused(sign_in(client, proconnect_server), "La réponse de ProConnect n’a pas pu")
    assert proconnect_server.requests.count("GET /api/v2/jwks") == 2


def test_an_expired_code_is_refused(client, proconnect_server):
    proconnect_server.token_error = (400, "invalid_grant")

    assert_refused(sign_in(client, proconnect_server), "Cette connexion avec ProConnect a expiré")


def test_a_denied_consent_says_so_in_french(client, proconnect_server):
    params = start(client)

    response = client.get(
        reverse("proconnect_callback"),
        {"error": "access_denied", "state": params["state"]},
        follow=True,
    )

    assert "La connexion avec ProConnect a été annulée" in response.content.decode()
    assert not User.objects.exists()


def test_proconnect_unreachable_at_the_start_says_so_in_french(client, settings):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.PROCONNECT_SERVER_URL = f"http://127.0.0.1:{port}/api/v2"
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = "secret"  # noqa: S105 - a test's

    response = client.post(reverse("proconnect_login"))

    assert_refused(response, "ProConnect ne répond pas pour le moment")


def test_proconnect_down_before_the_callback_creates_nothing(client, proconnect_server):
    params = start(client)
    code = proconnect_server.issue(nonce=params["nonce"])
    proconnect_server.server.shutdown()
    proconnect_server.server.server_close()

    response = client.get(reverse("proconnect_callback"), {"code": code, "state": params["state"]})

    assert_refused(response, "ProConnect ne répond pas pour le moment")


# An account with the same address ---------------------------------------------------------------


def existing_user(email="camille.martin@interieur.gouv.fr"):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_an_existing_address_is_never_linked_silently(client, proconnect_server):
    existing_user()

    response = sign_in(client, proconnect_server)

    assert response["Location"] == reverse("proconnect_link")
    assert not SocialAccount.objects.exists()
    assert logged_in_user_id(client) is None
    page = client.get(reverse("proconnect_link")).content.decode()
    assert "Un compte du Mois de l’innovation publique existe déjà" in page


def test_the_password_of_the_existing_account_links_proconnect(client, proconnect_server):
    user = existing_user()
    sign_in(client, proconnect_server)

    wrong = client.post(reverse("proconnect_link"), {"proof": "password", "password": "nope"})
    assert "Ce mot de passe n’est pas celui de ce compte." in wrong.content.decode()
    assert not SocialAccount.objects.exists()

    right = client.post(reverse("proconnect_link"), {"proof": "password", "password": PASSWORD})

    assert right.status_code == 302
    assert SocialAccount.objects.get().user == user
    assert logged_in_user_id(client) == str(user.pk)
    assert user.__class__.objects.count() == 1


def test_a_link_e_mailed_to_the_address_links_proconnect(client, proconnect_server):
    user = existing_user()
    sign_in(client, proconnect_server)

    client.post(reverse("proconnect_link"), {"proof": "email"})

    email = OutgoingEmail.objects.get(template="proconnect_link")
    assert email.to == [user.email]
    url = next(word for word in email.body_text.split() if "/compte/proconnect/associer/" in word)
    path = urlsplit(url).path
    assert client.get(path).status_code == 200  # a mail scanner's visit links nothing
    assert not SocialAccount.objects.exists()
    client.post(path)
    assert SocialAccount.objects.get().user == user
    assert logged_in_user_id(client) == str(user.pk)


def test_the_e_mailed_link_does_nothing_in_another_browser(client, proconnect_server):
    existing_user()
    sign_in(client, proconnect_server)
    client.post(reverse("proconnect_link"), {"proof": "email"})
    email = OutgoingEmail.objects.get(template="proconnect_link")
    url = next(word for word in email.body_text.split() if "/compte/proconnect/associer/" in word)
    client.cookies.clear()

    response = client.post(urlsplit(url).path, follow=True)

    assert "Cette demande d’association a expiré" in response.content.decode()
    assert not SocialAccount.objects.exists()


# Settings: link, unlink --------------------------------------------------------------------------


def test_an_account_links_proconnect_from_its_settings(client, proconnect_server):
    user = existing_user("autre.adresse@example.org")
    client.force_login(user)
    assert "Dissocier" not in client.get("/compte/3rdparty/").content.decode()

    response = client.post(reverse("proconnect_login"), {"process": "connect"})
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    code = proconnect_server.issue(nonce=params["nonce"])
    client.get(reverse("proconnect_callback"), {"code": code, "state": params["state"]})

    assert SocialAccount.objects.get().user == user


def test_an_account_with_a_password_unlinks_proconnect(client, proconnect_server):
    user = existing_user()
    account = SocialAccount.objects.create(user=user, provider="proconnect", uid="a-sub")
    client.force_login(user)

    client.post("/compte/3rdparty/", {"account": account.pk})

    assert not SocialAccount.objects.exists()


def test_an_account_without_password_cannot_unlink_its_only_way_in(client, proconnect_server):
    sign_in(client, proconnect_server)

    page = client.get("/compte/3rdparty/").content.decode()
    client.post("/compte/3rdparty/", {"account": SocialAccount.objects.get().pk})

    assert "choisissez d’abord un mot de passe" in page
    assert SocialAccount.objects.exists()


# Logout -----------------------------------------------------------------------------------------


def test_logout_goes_through_proconnect_with_the_id_token(client, proconnect_server):
    sign_in(client, proconnect_server)
    id_token = client.session["proconnect_id_token"]

    response = client.post(reverse("account_logout"))

    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{proconnect_server.base}/session/end"
    )
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["id_token_hint"] == id_token
    assert len(query["state"]) >= 32
    assert query["post_logout_redirect_uri"] == "http://testserver/compte/proconnect/deconnexion/"
    assert logged_in_user_id(client) is None


def test_a_password_login_logs_out_here_only(client, proconnect_server):
    client.force_login(UserFactory())

    response = client.post(reverse("account_logout"))

    assert response["Location"] == "/"


# Staff and two factors ---------------------------------------------------------------------


def activate_totp(user) -> None:
    TOTP.activate(user, generate_totp_secret())


def linked_staff(**kwargs):
    user = existing_user()
    user.is_staff = True
    for name, value in kwargs.items():
        setattr(user, name, value)
    user.save()
    SocialAccount.objects.create(user=user, provider="proconnect", uid="a1b2c3-agent-sub")
    return user


def test_two_factors_at_proconnect_skip_the_totp_step(client, proconnect_server):
    user = linked_staff()
    activate_totp(user)
    proconnect_server.amr = ["pwd", "mfa"]

    response = sign_in(client, proconnect_server)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_one_factor_at_proconnect_still_asks_the_totp_code(client, proconnect_server):
    user = linked_staff()
    activate_totp(user)
    proconnect_server.amr = ["pwd"]

    response = sign_in(client, proconnect_server)

    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None
    assert Authenticator.objects.filter(user=user).exists()


def test_staff_require_2fa_is_met_by_two_factors_at_proconnect(client, proconnect_server, settings):
    settings.STAFF_REQUIRE_2FA = True
    linked_staff(is_superuser=True)
    proconnect_server.amr = ["pwd", "mfa"]
    sign_in(client, proconnect_server)

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_require_2fa_still_applies_after_one_factor(client, proconnect_server, settings):
    settings.STAFF_REQUIRE_2FA = True
    linked_staff(is_superuser=True)
    proconnect_server.amr = ["pwd"]
    sign_in(client, proconnect_server)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
