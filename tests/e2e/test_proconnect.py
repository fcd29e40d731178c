"""« S'identifier avec ProConnect » in a real browser, against a real OpenID provider: panva's
oidc-provider (npm, installed by `make install`; ProConnect's own federation runs on it),
started on 127.0.0.1 by tests/e2e/oidc_provider/server.mjs with a userinfo signed as a JWT,
ProConnect's claims and RP-initiated logout. A new agent signs in, consents, lands in the
organiser space, is offered the organisation of their SIRET, asks to join it and logs out
through the provider. axe-core and the Nu HTML checker scan the new pages."""

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from organizers.enums import MembershipStatus
from organizers.models import Membership
from tests.e2e.scan import scan
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).parent / "oidc_provider" / "server.mjs"
CLIENT_ID = "moisinno-e2e"
CLIENT_SECRET = "an-e2e-secret-of-the-local-provider"  # noqa: S105 - a test provider's
SIRET = "21350238800019"
AGENT = {
    "email": "dominique.leroy@ille-et-vilaine.gouv.fr",
    "given_name": "Dominique",
    "usual_name": "Leroy",
    "uid": "dleroy",
    "siret": SIRET,
    "idp_id": "local-idp",
    "idp_acr": "eidas1",
}


@pytest.fixture
def oidc_provider(live_server, settings) -> Iterator[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the local OpenID provider cannot run")
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.skip("oidc-provider is not installed: run `make install` (npm ci)")
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/compte/proconnect/login/callback/",
        "post_logout_redirect_uri": f"{live_server.url}/compte/proconnect/deconnexion/",
        "claims": AGENT,
    }
    process = subprocess.Popen(  # noqa: S603 - a fixed script, run with the found node
        [node, str(SERVER)],
        cwd=ROOT,
        env={"PATH": "", "PROVIDER_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        issuer = ""
        for line in process.stdout:  # warnings go to stderr; the first stdout line says ready
            if line.startswith("listening "):
                issuer = line.split(" ", 1)[1].strip()
                break
        assert issuer, "the local OpenID provider did not start"
        settings.PROCONNECT_SERVER_URL = issuer
        settings.PROCONNECT_CLIENT_ID = CLIENT_ID
        settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
        # What moisinno/settings.py adds from PROCONNECT_SERVER_URL: the sign-in form and the
        # logout may send the browser on to the provider.
        origin = re.match(r"https?://[^/]+", issuer).group(0)
        settings.SECURE_CSP = {
            **settings.SECURE_CSP,
            "form-action": [*settings.SECURE_CSP["form-action"], origin],
        }
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_a_new_agent_signs_in_with_proconnect_joins_their_organisation_and_logs_out(
    page: Page, oidc_provider: str
):
    organization = OrganizationFactory(name="Préfecture d’Ille-et-Vilaine", siret=SIRET)

    page.goto("/compte/login/")
    scan(page)
    page.get_by_role("button", name="S’identifier avec ProConnect").click()

    # The provider's own login and consent pages.
    expect(page).to_have_url(re.compile(re.escape(oidc_provider.rsplit("/api/v2", 1)[0])))
    page.locator("input[name=login]").fill("agent-35-0042")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()

    # Back in the organiser space, signed in, offered the organisation of the SIRET.
    expect(page).to_have_url(re.compile(r"/espace-organisateur/$"))
    offer = page.get_by_role("heading", name="Votre organisation d’après ProConnect")
    expect(offer).to_be_visible()
    account = SocialAccount.objects.get(provider="proconnect")
    assert account.uid == "agent-35-0042"
    assert account.user.email == AGENT["email"]
    assert account.extra_data["siret"] == SIRET
    scan(page)
    page.get_by_role("link", name="Demander à rejoindre cette organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Votre organisation d’après ProConnect"
    )
    scan(page)
    page.get_by_role("button", name="Demander à rejoindre «\u00a0Préfecture").click()
    expect(page.locator("body")).to_contain_text("Votre demande pour rejoindre")
    membership = Membership.objects.get(user=account.user)
    assert (membership.organization, membership.status) == (organization, MembershipStatus.PENDING)

    # Logout through the provider (RP-initiated, id_token_hint), then back here.
    page.goto("/compte/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("body")).to_contain_text("Vous êtes déconnecté du site et de ProConnect.")
    page.goto("/espace-organisateur/")
    expect(page).to_have_url(re.compile(r"/compte/login/"))
