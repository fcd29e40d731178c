"""One accessibility sweep over every page template: axe-core, the Nu HTML checker, a hit test.

Every page type of the site is opened in Chromium: public pages, account pages, the organiser
space (forms empty and with errors), the admin's moderation pages and the error pages
(whatever 403 and 404 the site answers). axe-core (WCAG 2.1 A/AA) scans the page as the
visitor sees it; the Nu HTML checker reads the HTML the server sent; at 1,280, 768 and 390 px,
every visible control of `main` must receive a click at its centre (tests/e2e/hit_test.py):
none may be covered by another element.

The sweep runs in four parts, each a test of its own (public pages, account pages, the
organiser space, the back-office; each part's error pages with it), so that the workers of
`make test` share them. The measured results are committed in
`programme/data/accessibility_sweep.json`, each page with its part, and the accessibility
statement (`/accessibilite/`) is generated from that file. A part fails when what it measures
differs from its pages in the committed file, so the statement cannot drift from the
measurements. After a change that moves the figures, regenerate the file with:

    A11Y_SWEEP_WRITE=1 .venv/bin/pytest tests/e2e/test_sweep.py -p no:cacheprovider

and commit it with the change.
"""

import datetime
import fcntl
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from events import images
from events.enums import EventStatus
from events.models import Collection, Edition, Event, EventResource
from programme.accessibility import KIND_LABELS, SWEEP_FILE, sweep_summary
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import open_edition
from tests.e2e.hit_test import covered_controls_by_width
from tests.e2e.html_checker import JAR, html_messages
from tests.factories import PASSWORD, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BROWSER = "Chromium"
REGENERATE = "A11Y_SWEEP_WRITE=1 .venv/bin/pytest tests/e2e/test_sweep.py -p no:cacheprovider"

PAGE_TYPES = KIND_LABELS


@dataclass
class Measure:
    kind: str
    label: str
    path: str
    axe: dict[str, int] = field(default_factory=dict)
    nu: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "path": self.path,
            "axe": dict(sorted(self.axe.items())),
            "nu": sorted(self.nu),
        }


def _nu_text(message: dict) -> str:
    # Only the message: the extract holds per-run values (CSRF tokens, ids).
    return " ".join(message.get("message", "").split())


class Sweep:
    def __init__(self, page: Page):
        self.page = page
        self.measures: list[Measure] = []
        #: The controls a click does not reach, by page state and width.
        self.covered: dict[str, dict[int, list[str]]] = {}

    def measure(
        self, kind: str, label: str, path: str, *, html: str | None = None, status: int = 200
    ) -> None:
        """Measure the page as it is now; `html` is the document the server sent for it (else
        it is asked for again, as `status`)."""
        if html is None:
            response = self.page.context.request.get(self.page.url)
            assert response.status == status, (label, self.page.url, response.status)
            html = response.text()
        measure = Measure(kind=kind, label=label, path=path)
        for violation in axe_violations(self.page):
            measure.axe[violation["id"]] = len(violation["nodes"])
        measure.nu = [_nu_text(message) for message in html_messages(html)]
        self.measures.append(measure)
        if covered := covered_controls_by_width(self.page):
            self.covered[f"{label} ({self.page.url})"] = covered

    def visit(self, kind: str, label: str, url: str, *, path: str | None = None, status=200):
        """Open `url`, check that it answers `status` with one main heading, and measure it."""
        response = self.page.goto(url)
        assert response is not None and response.status == status, (label, url, response)
        headings = self.page.locator("h1").count()
        assert headings == 1, f"{label} ({url}): {headings} h1 headings, 1 expected"
        self.measure(kind, label, path or url, html=response.text())

    def after_post(self, kind: str, label: str, path: str, submit: Callable[[], None]) -> None:
        """Submit a form and measure the answer (a page re-rendered with its errors)."""
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            submit()
        self.page.wait_for_load_state()
        if 300 <= answer.value.status < 400:  # no error: measure where it led
            self.measure(kind, label, path)
        else:
            self.measure(kind, label, path, html=answer.value.text())


def _login(page: Page, email: str) -> None:
    page.goto("/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Connexion")


def _with_image_and_resources(event: Event) -> Event:
    """`event` with an image (its alt text and credit) and a replay: what a past event shows."""
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (0, 83, 179)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("atelier.jpg", buffer.getvalue(), content_type="image/jpeg")
    stored = images.image_store(prepared=images.read_upload(upload))
    event.image, event.image_width, event.image_height = stored.key, stored.width, stored.height
    event.image_alt = "Des agents autour d’une table, des post-it sur un mur"
    event.image_credit = "DITP"
    event.save()
    EventResource.objects.create(
        event=event,
        kind=EventResource.Kind.REPLAY,
        title="Replay de l’atelier",
        url="https://www.modernisation.gouv.fr/",
    )
    return event


def _public_pages(sweep: Sweep) -> None:
    edition = Edition.objects.get(year=2022)
    # Enough events for the programme's pagination (20 a page).
    for number in range(25):
        EventFactory(
            edition=edition,
            status=EventStatus.PUBLISHED,
            title=f"Atelier de la sweep n° {number}",
            slug=f"atelier-sweep-{number}",
            starts_on=edition.start_date,
        )
    cancelled = Event.objects.get(slug="ti-lab-fete-son-anniversaire")
    cancelled.status = EventStatus.CANCELLED
    cancelled.moderation_message = "La salle n’est plus disponible."
    cancelled.save()
    event = Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED).first()
    illustrated = _with_image_and_resources(
        Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED).exclude(pk=event.pk)[0]
    )
    collection = Collection.objects.create(
        edition=edition,
        title="Expérience usager",
        slug="experience-usager",
        intro="Des services publics conçus avec celles et ceux qui les utilisent.",
    )
    collection.events.add(event, illustrated)

    for label, url in [
        ("Accueil", "/"),
        ("Programme", "/programme/"),
        ("Programme, page 2", "/programme/?page=2"),
        ("Programme filtré", "/programme/?region=53&mode=in_person"),
        ("Programme sans résultat", "/programme/?q=introuvable&region=94"),
        ("Programme, paramètres invalides", "/programme/?region=zz&page=9999"),
        ("Calendrier", "/programme/calendrier/"),
        ("Parcours", "/parcours/"),
        ("Événement", event.get_absolute_url()),
        ("Événement annulé", cancelled.get_absolute_url()),
        ("Événement avec image et ressources", illustrated.get_absolute_url()),
        ("Édition passée", "/editions/2021/"),
        ("Organisation", "/organisateurs/prefecture-de-la-region-bretagne/"),
        ("Laboratoires", "/labs/"),
        ("Laboratoire", "/labs/ti-lab/"),
        ("Chiffres", "/chiffres/"),
        ("API", "/api/"),
        ("Mon programme", "/mon-programme/"),
        ("Intégrer le programme", "/integrer/"),
        ("Programme intégrable", "/integrer/programme/"),
        ("Alertes : abonnement", "/alertes/"),
        ("Organiser un événement", "/organiser-un-evenement/"),
        ("Accessibilité", "/accessibilite/"),
        ("Mentions légales", "/mentions-legales/"),
        ("Données personnelles", "/donnees-personnelles/"),
        ("Plan du site", "/plan-du-site/"),
    ]:
        sweep.visit("public", label, url)
    sweep.page.goto("/alertes/")
    sweep.after_post(
        "public",
        "Alertes : abonnement avec erreurs",
        "/alertes/",
        lambda: sweep.page.locator("main form button[type=submit]").last.click(),
    )
    # Mobile width, a filter group open.
    sweep.page.set_viewport_size({"width": 375, "height": 800})
    sweep.visit("public", "Programme (375 px)", "/programme/")
    sweep.visit("public", "Événement (375 px)", event.get_absolute_url())
    sweep.page.set_viewport_size({"width": 1280, "height": 800})

    sweep.visit("error", "Page introuvable (404)", "/page-qui-n-existe-pas/", status=404)
    sweep.visit("error", "Événement introuvable (404)", "/evenements/inconnu/", status=404)


def _account_pages(sweep: Sweep) -> None:
    page = sweep.page
    sweep.visit("account", "Connexion", "/compte/login/")
    sweep.after_post(
        "account",
        "Connexion avec erreurs",
        "/compte/login/",
        lambda: page.get_by_role("button", name="Se connecter").click(),
    )
    sweep.visit("account", "Inscription", "/compte/signup/")
    sweep.after_post(
        "account",
        "Inscription avec erreurs",
        "/compte/signup/",
        lambda: page.get_by_role("button", name="Créer mon compte").click(),
    )
    sweep.visit("account", "Mot de passe oublié", "/compte/password/reset/")
    sweep.visit("account", "Mot de passe oublié : courriel envoyé", "/compte/password/reset/done/")
    # A form posted without its CSRF token: the 403 page. In a page of its own: the CSP
    # violations of the error pages are their own tests' business, not this sweep's.
    own = page.context.new_page()
    sweep.page = own
    try:
        own.goto("/compte/login/")
        own.locator("input[name=csrfmiddlewaretoken]").evaluate("input => input.remove()")
        with own.expect_response(lambda r: r.request.method == "POST") as answer:
            own.get_by_role("button", name="Se connecter").click()
        assert answer.value.status == 403
        own.wait_for_load_state()
        sweep.measure(
            "error", "Refus CSRF (403)", "/compte/login/ (POST)", html=answer.value.text()
        )
    finally:
        sweep.page = page
        own.close()


def _organizer_pages(sweep: Sweep) -> None:
    page = sweep.page
    edition = open_edition()
    membership = MembershipFactory(
        user__email="porteuse@finistere.gouv.fr", organization__name="Préfecture du Finistère"
    )
    user, organization = membership.user, membership.organization
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    day = edition.start_date + datetime.timedelta(days=3)
    common = {"edition": edition, "organization": organization, "starts_on": day}
    draft = EventFactory(title="Fresque du numérique", slug="fresque", eligible=True, **common)
    published = EventFactory(
        title="Portes ouvertes du lab", slug="portes-ouvertes", published=True, **common
    )
    session = draft.sessions.get()
    past = EventFactory(
        title="Table ronde de 2022",
        slug="table-ronde-2022",
        published=True,
        edition=Edition.objects.get(year=2022),
        organization=organization,
    )
    _login(page, user.email)

    for label, url, path in [
        ("Tableau de bord", "/espace-organisateur/", None),
        ("Adresses électroniques", "/compte/email/", None),
        ("Changer de mot de passe", "/compte/password/change/", None),
        ("Déconnexion", "/compte/logout/", None),
        ("Nouvelle organisation", "/espace-organisateur/organisation/nouvelle/", None),
        ("Rejoindre une organisation", "/espace-organisateur/organisation/rejoindre/", None),
        (
            "Membres de l’organisation",
            f"/espace-organisateur/organisations/{organization.slug}/membres/",
            "/espace-organisateur/organisations/<slug>/membres/",
        ),
        (
            "Nouvel événement",
            f"/espace-organisateur/evenements/nouveau/?organisation={organization.slug}",
            "/espace-organisateur/evenements/nouveau/",
        ),
        (
            "Modifier un événement",
            f"/espace-organisateur/evenements/{draft.pk}/modifier/",
            "/espace-organisateur/evenements/<id>/modifier/",
        ),
        (
            "Aperçu d’un événement",
            f"/espace-organisateur/evenements/{draft.pk}/apercu/",
            "/espace-organisateur/evenements/<id>/apercu/",
        ),
        (
            "Soumettre un événement",
            f"/espace-organisateur/evenements/{draft.pk}/soumettre/",
            "/espace-organisateur/evenements/<id>/soumettre/",
        ),
        (
            "Annuler un événement",
            f"/espace-organisateur/evenements/{published.pk}/annuler/",
            "/espace-organisateur/evenements/<id>/annuler/",
        ),
        (
            "Changer l’état d’un événement",
            f"/espace-organisateur/evenements/{published.pk}/etat/",
            "/espace-organisateur/evenements/<id>/etat/",
        ),
        (
            "Supprimer un brouillon",
            f"/espace-organisateur/evenements/{draft.pk}/supprimer/",
            "/espace-organisateur/evenements/<id>/supprimer/",
        ),
        (
            "Vérifier l’emplacement d’une séance",
            f"/espace-organisateur/evenements/{draft.pk}/seances/{session.pk}/emplacement/",
            "/espace-organisateur/evenements/<id>/seances/<id>/emplacement/",
        ),
        (
            "Ressources d’un événement passé",
            f"/espace-organisateur/evenements/{past.pk}/ressources/",
            "/espace-organisateur/evenements/<id>/ressources/",
        ),
        (
            "Importer un événement",
            f"/espace-organisateur/evenements/importer/?organisation={organization.slug}",
            "/espace-organisateur/evenements/importer/",
        ),
    ]:
        sweep.visit("organizer", label, url, path=path)

    page.goto(f"/espace-organisateur/evenements/importer/?organisation={organization.slug}")
    page.get_by_label("Ou collez son contenu").fill("Ceci n’est pas un calendrier.")
    sweep.after_post(
        "organizer",
        "Importer un événement avec erreurs",
        "/espace-organisateur/evenements/importer/",
        lambda: page.locator("main form [type=submit]").last.click(),
    )

    page.goto(f"/espace-organisateur/evenements/nouveau/?organisation={organization.slug}")
    page.locator("#id_title").fill("")
    page.locator("#id_sessions-0-start_time").fill("12:00")
    page.locator("#id_sessions-0-end_time").fill("10:00")
    sweep.after_post(
        "organizer",
        "Nouvel événement avec erreurs",
        "/espace-organisateur/evenements/nouveau/",
        lambda: page.get_by_role("button", name="Enregistrer le brouillon").first.click(),
    )
    page.goto("/espace-organisateur/organisation/nouvelle/")
    sweep.after_post(
        "organizer",
        "Nouvelle organisation avec erreurs",
        "/espace-organisateur/organisation/nouvelle/",
        lambda: page.locator("main form [type=submit]").last.click(),
    )
    # Another organisation's event: the 404 of the ownership checks.
    other = EventFactory(title="Événement d’une autre organisation", edition=edition)
    sweep.visit(
        "error",
        "Événement d’une autre organisation (404)",
        f"/espace-organisateur/evenements/{other.pk}/modifier/",
        path="/espace-organisateur/evenements/<id>/modifier/ (autre organisation)",
        status=404,
    )
    page.context.clear_cookies()


def _admin_pages(sweep: Sweep) -> None:
    page = sweep.page
    edition = open_edition()
    moderator = UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    day = edition.start_date + datetime.timedelta(days=5)
    submitted = [
        EventFactory(
            edition=edition,
            status=EventStatus.SUBMITTED,
            submitted_at=timezone.now(),
            title=f"Atelier soumis n° {number}",
            slug=f"atelier-soumis-{number}",
            starts_on=day,
            eligible=True,
        )
        for number in range(3)
    ]
    event = submitted[0]
    published = EventFactory(edition=edition, published=True, title="Atelier publié", starts_on=day)

    # Staff log in on the site's login page (allauth's limits and second factor): /admin/login/
    # sends there.
    sweep.visit("admin", "Connexion au back-office", "/compte/login/?next=/admin/")
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile("/login/"))

    change = f"/admin/events/event/{event.pk}/change/"
    for label, url, path in [
        ("Accueil du back-office", "/admin/", None),
        ("File de modération", "/admin/events/event/", None),
        ("Tous les événements", "/admin/events/event/?status=tous", None),
        ("Fiche d’un événement", change, "/admin/events/event/<id>/change/"),
        (
            "Décision : approuver",
            f"/admin/events/event/{event.pk}/decision/approuver/",
            "/admin/events/event/<id>/decision/approuver/",
        ),
        (
            "Décision : demander des modifications",
            f"/admin/events/event/{event.pk}/decision/demander-des-modifications/",
            "/admin/events/event/<id>/decision/demander-des-modifications/",
        ),
        (
            "Changer l’état d’un événement publié",
            f"/admin/events/event/{published.pk}/etat/",
            "/admin/events/event/<id>/etat/",
        ),
        ("Statistiques", "/admin/events/event/statistiques/", None),
        ("Historique de modération", "/admin/events/moderationlogentry/", None),
        ("Organisations", "/admin/organizers/organization/", None),
    ]:
        sweep.visit("admin", label, url, path=path)

    # Bulk decisions: the intermediate pages.
    for action, label in [
        ("reject_selected", "Refus groupé"),
        ("approve_selected", "Approbation groupée"),
    ]:
        page.goto("/admin/events/event/")
        for item in submitted:
            page.locator(f"input[name=_selected_action][value='{item.pk}']").check()
        page.locator("select[name=action]").select_option(action)
        sweep.after_post(
            "admin",
            label,
            "/admin/events/event/ (action)",
            lambda: page.locator("button[name=index]").click(),
        )


def _summary_line(summary: dict) -> str:
    return "\n".join(
        f"  {kind}: {figures['pages']} pages, axe {figures['axe_rules']} rules / "
        f"{figures['axe_nodes']} nodes, Nu {figures['nu_errors']} errors"
        for kind, figures in summary["by_kind"].items()
    )


#: The sweep in four parts, each a test of its own (so that pytest-xdist's workers share
#: them), in the order of the committed file.
PARTS = {
    "public": _public_pages,
    "account": _account_pages,
    "organizer": _organizer_pages,
    "admin": _admin_pages,
}


def _comparable(measurements: dict, part: str) -> dict:
    """The tools and this part's pages. The browser's version is recorded with the figures
    but not compared: Debian's Chromium moves on its own, and its version alone changes no
    figure."""
    tools = {k: v for k, v in measurements.get("tools", {}).items() if k != BROWSER}
    pages = [p for p in measurements.get("pages", []) if p.get("part") == part]
    return {"tools": tools, "pages": pages}


def _write_part(part: str, measured: dict) -> None:
    """Put this part's measurements into the committed file, the other parts' kept (under a
    lock: with `-n`, the parts may finish at the same time)."""
    with open(SWEEP_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        committed = json.loads(SWEEP_FILE.read_text()) if SWEEP_FILE.exists() else {}
        pages = [p for p in committed.get("pages", []) if p.get("part") != part]
        pages += measured["pages"]
        pages.sort(key=lambda p: list(PARTS).index(p.get("part", part)))  # stable
        committed.update(
            tools=measured["tools"], pages=pages, measured_on=timezone.localdate().isoformat()
        )
        SWEEP_FILE.write_text(json.dumps(committed, ensure_ascii=False, indent=2) + "\n")
    SWEEP_FILE.with_suffix(".lock").unlink(missing_ok=True)


@pytest.mark.parametrize("part", PARTS)
def test_every_page_template_is_swept_and_the_statement_matches(
    part, page: Page, demo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the event image's files
    if not JAR.exists():
        pytest.skip("Nu HTML checker missing: run `make install`")
    page.set_viewport_size({"width": 1280, "height": 800})
    sweep = Sweep(page)

    PARTS[part](sweep)

    assert not sweep.covered, "Controls a click at their centre does not reach:\n" + "\n".join(
        f"  {state}, {width} px: {len(controls)}\n" + "\n".join(f"    {c}" for c in controls)
        for state, widths in sweep.covered.items()
        for width, controls in widths.items()
    )

    measured = {
        "tools": {
            "axe-core": page.evaluate("window.axe && window.axe.version"),
            "Validateur HTML Nu (vnu-jar)": _vnu_version(),
            BROWSER: page.context.browser.version,
        },
        "pages": [measure.as_json() | {"part": part} for measure in sweep.measures],
    }
    labels = [p["label"] for p in measured["pages"]]
    assert len(labels) == len(set(labels)), "each page state has its own label"

    if os.environ.get("A11Y_SWEEP_WRITE"):
        _write_part(part, measured)
    committed = json.loads(SWEEP_FILE.read_text()) if SWEEP_FILE.exists() else {}
    summary = sweep_summary(measured)
    print(f"\nAccessibility sweep, {part} part:\n" + _summary_line(summary))
    if _comparable(committed, part) != _comparable(measured, part):
        pytest.fail(
            f"The measured figures of the {part} part differ from {SWEEP_FILE.name}, which "
            f"the accessibility statement shows. Measured:\n{_summary_line(summary)}\n"
            f"Regenerate and commit it: {REGENERATE}",
            pytrace=False,
        )


def _vnu_version() -> str:
    package = JAR.parents[2] / "package.json"
    return json.loads(package.read_text())["version"]
