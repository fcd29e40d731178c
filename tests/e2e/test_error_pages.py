"""The error pages in a real browser: French, DSFR, a way back, no axe or HTML-checker error;
and the 503 page of a production server (gunicorn) whose database does not answer."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html
from tests.factories import EventFactory, MembershipFactory
from tests.parallel import listening_socket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def assert_error_page(page: Page, heading: str, code: int, html: str | None = None) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text(f"Erreur {code}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Page d’accueil")).to_be_visible()
    expect(page.get_by_role("link", name="Voir le programme")).to_be_visible()
    search = page.get_by_role("searchbox", name="Rechercher un événement du programme")
    expect(search).to_be_visible()
    assert_no_axe_violations(page)
    assert_valid_html(page, html=html)


def test_404_page_and_its_search_lead_back_to_the_programme(page):
    response = page.goto("/adresse-inconnue/")

    assert response.status == 404
    assert_error_page(page, "Page non trouvée", 404, html=response.text())
    page.get_by_role("searchbox", name="Rechercher un événement du programme").fill("atelier")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/programme/?q=atelier")


def test_another_organisations_event_is_the_same_french_404(page, live_server):
    mine, theirs = MembershipFactory(), MembershipFactory()
    event = EventFactory(organization=theirs.organization)
    EmailAddress.objects.create(user=mine.user, email=mine.user.email, verified=True, primary=True)
    page.goto("/compte/login/")
    page.locator("input[name=login]").fill(mine.user.email)
    page.locator("input[name=password]").fill("Mot-de-passe-de-test-42")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/espace-organisateur/")

    response = page.goto(f"/espace-organisateur/evenements/{event.pk}/modifier/")

    assert response.status == 404
    assert_error_page(page, "Page non trouvée", 404, html=response.text())


def test_expired_form_gives_the_french_csrf_page(page):
    page.goto("/compte/login/")
    page.context.clear_cookies()
    page.locator("input[name=login]").fill("agent@exemple.gouv.fr")
    page.locator("input[name=password]").fill("un mot de passe")
    with page.expect_response("**/compte/login/") as answer:
        page.locator("main button[type=submit]").click()

    assert answer.value.status == 403
    assert_error_page(page, "Votre session a expiré", 403, html=answer.value.text())


@pytest.mark.urls("tests.moisinno.test_error_pages")
def test_500_page_shows_the_request_id_to_quote(page):
    response = page.goto("/en-panne/")

    assert response.status == 500
    assert_error_page(page, "Erreur inattendue", 500, html=response.text())
    expect(page.locator("#request-id")).to_have_text(response.headers["x-request-id"])


# A production server whose database does not answer ----------------------------------------


@pytest.fixture(scope="module")
def outage_server(tmp_path_factory):
    """gunicorn with production settings, its PostgreSQL on a port where nothing listens."""
    static_root = tmp_path_factory.mktemp("outage-static")
    sock = listening_socket()  # handed to gunicorn: a port no other worker can take
    port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moisinno.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "MOISINNO_PLAIN_STATIC": "true",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
    }
    # Links to the files rather than copies of them: whitenoise serves both alike, and
    # linking the ~1,800 files takes 1.8 s of processor time instead of 4.1 s.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--link", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "moisinno.wsgi",
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=[sock.fileno()],
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=5)  # noqa: S310 - local
            except urllib.error.HTTPError:
                break  # it answers (503)
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        sock.close()


@pytest.mark.parametrize("path", ["/", "/programme/", "/evenements/un-atelier/", "/compte/login/"])
def test_database_outage_gives_the_503_page_in_the_browser(page, outage_server, path):
    response = page.goto(outage_server + path)

    assert response.status == 503
    assert response.headers["retry-after"] == "30"
    assert_error_page(page, "Service momentanément indisponible", 503, html=response.text())
    expect(page.locator("#request-id")).to_have_text(response.headers["x-request-id"])
