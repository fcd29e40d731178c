"""Accessibility defects of the served HTML (issue 13, §4), checked on the markup itself.

The browser-side checks (focus, layout at 375 px, no JavaScript) are in
tests/e2e/test_accessibility_defects.py; the sweep over every page is tests/e2e/test_sweep.py.
"""

import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from events.enums import EventStatus
from programme import accessibility
from programme.accessibility import KIND_LABELS, SWEEP_FILE
from tests.factories import EventFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tags(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_disabled_pagination_links_are_marked_as_dsfr_documents(client, edition):
    EventFactory.create_batch(21, edition=edition, published=True)

    html = client.get(reverse("events:programme")).content.decode()

    links = _tags(html, r"<a class=\"fr-pagination__link fr-pagination__link--(?:first|prev)[^>]*>")
    assert len(links) == 2
    for link in links:
        assert 'aria-disabled="true"' in link and 'role="link"' in link and "href" not in link
    # The next and last links lead somewhere.
    following = _tags(
        html, r"<a class=\"fr-pagination__link fr-pagination__link--(?:next|last)[^>]*>"
    )
    assert all("href=" in link and "aria-disabled" not in link for link in following)


def test_last_page_disables_next_and_last_links(client, edition):
    EventFactory.create_batch(21, edition=edition, published=True)

    html = client.get(reverse("events:programme") + "?page=2").content.decode()

    following = _tags(
        html, r"<a class=\"fr-pagination__link fr-pagination__link--(?:next|last)[^>]*>"
    )
    assert len(following) == 2
    assert all('aria-disabled="true"' in link and "href" not in link for link in following)


def test_event_form_checkboxes_carry_no_dsfr_attribute(client, organizer, edition):
    ThemeFactory.create_batch(3)
    client.force_login(organizer)
    organization = organizer.memberships.get().organization

    response = client.get(reverse("organizers:event_create") + f"?organisation={organization.slug}")

    html = response.content.decode()
    assert 'name="themes"' in html
    assert 'dsfr="dsfr"' not in html


def test_login_password_field_describes_itself_with_an_element_that_exists(client):
    html = client.get(reverse("account_login")).content.decode()

    (password,) = _tags(html, r"<input[^>]*name=\"password\"[^>]*>")
    described_by = re.search(r'aria-describedby="([^"]+)"', password).group(1)
    for target in described_by.split():
        assert f'id="{target}"' in html, target


@pytest.mark.parametrize("form", ["organization", "event", "login"])
def test_form_error_summaries_take_the_focus_without_a_script(client, organizer, edition, form):
    if form == "organization":
        client.force_login(UserFactory())
        response = client.post(reverse("organizers:organization_create"), {"name": ""})
    elif form == "event":
        client.force_login(organizer)
        slug = organizer.memberships.get().organization.slug
        url = reverse("organizers:event_create") + f"?organisation={slug}"
        response = client.post(
            url, {"action": "save", "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"}
        )
    else:
        response = client.post(reverse("account_login"), {})

    html = response.content.decode()
    (summary,) = _tags(html, r"<div[^>]*id=\"error-summary\"[^>]*>")
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert html.count("autofocus") == 1  # nothing else competes for the focus


def test_filtered_programme_focuses_its_results_heading_and_offers_a_skip_link(client, edition):
    EventFactory(edition=edition, published=True)
    url = reverse("events:programme")

    plain = client.get(url).content.decode()
    filtered = client.get(url + "?region=53").content.decode()

    # A visible skip link at every width (no fr-hidden-* class around it).
    assert re.search(
        r'<p class="fr-mb-2w">\s*<a[^>]*href="#resultats"[^>]*>Aller aux résultats', plain
    )
    (heading,) = _tags(filtered, r"<h2 id=\"results-title\"[^>]*>")
    assert "autofocus" in heading
    (heading,) = _tags(plain, r"<h2 id=\"results-title\"[^>]*>")
    assert "autofocus" not in heading  # a first visit starts at the top of the page


def test_cancelled_event_offers_neither_calendar_nor_sharing(client, edition):
    live = EventFactory(edition=edition, published=True, slug="vivant")
    cancelled = EventFactory(
        edition=edition, status=EventStatus.CANCELLED, slug="annule", published_at=None
    )

    live_html = client.get(live.get_absolute_url()).content.decode()
    cancelled_html = client.get(cancelled.get_absolute_url()).content.decode()

    assert "Ajouter à mon agenda" in live_html and "Partager cet événement" in live_html
    assert "Cet événement est annulé" in cancelled_html
    assert "Ajouter à mon agenda" not in cancelled_html
    assert "Partager cet événement" not in cancelled_html
    assert "calendrier.ics" not in cancelled_html


def test_event_page_puts_the_practical_box_before_the_description(client, edition):
    event = EventFactory(edition=edition, published=True, description="Un long déroulé.")

    html = client.get(event.get_absolute_url()).content.decode()

    assert html.index("En pratique") < html.index('id="description-title"')
    assert html.index('id="event-title"') < html.index("En pratique")


def test_accessibility_statement_shows_the_committed_measurements(client, edition):
    measured = json.loads(SWEEP_FILE.read_text())
    html = client.get(reverse("accessibility")).content.decode()

    assert "<strong>non conforme</strong>" in html
    assert "partiellement conforme" not in html
    assert "Aucun audit de conformité au RGAA n’a encore été réalisé" in html
    pages = measured["pages"]
    assert f"{len(pages)} états de page sont ouverts" in html
    for tool, version in measured["tools"].items():
        assert f"{tool}, version {version}" in html
    for page in pages:  # every page tested is listed
        assert f"<code>{escape(page['path'])}</code>" in html
    assert "Défenseur des droits" in html
    assert "mailto:mois-innovation@modernisation.gouv.fr" in html
    assert "alternative accessible" in html


def test_the_committed_sweep_covers_every_page_type_once_per_label():
    """What the statement shows (tests/e2e/test_sweep.py measures it in four parts): every
    page type, each page state under its own label, the parts in the sweep's order."""
    pages = json.loads(SWEEP_FILE.read_text())["pages"]
    labels = [page["label"] for page in pages]
    assert len(labels) == len(set(labels))
    assert {page["kind"] for page in pages} == set(KIND_LABELS)
    parts = ["public", "account", "organizer", "admin"]
    assert [page["part"] for page in pages] == sorted(
        (page["part"] for page in pages), key=parts.index
    )
    assert {page["part"] for page in pages} == set(parts)


def test_statement_lists_each_page_left_with_a_defect(client, edition, monkeypatch):
    measurements = {
        "tools": {"axe-core": "4.12.1"},
        "pages": [
            {"kind": "public", "label": "Accueil", "path": "/", "axe": {}, "nu": []},
            {
                "kind": "admin",
                "label": "Fiche d’un événement",
                "path": "/admin/events/event/<id>/change/",
                "axe": {"label": 6},
                "nu": ["Bad value."],
            },
        ],
    }
    monkeypatch.setattr(
        accessibility, "statement_figures", lambda: accessibility.sweep_summary(measurements)
    )
    monkeypatch.setattr("programme.views.statement_figures", accessibility.statement_figures)

    html = client.get(reverse("accessibility")).content.decode()

    assert "1 sur 2 ne présentent aucune erreur" in html
    assert "règle axe-core «&nbsp;label&nbsp;» (6 éléments)" in html
    assert "1 erreur de code HTML" in html
