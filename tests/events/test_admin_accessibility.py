"""Accessibility of the back-office's moderation pages (issue 13, §4), on the served HTML.

The same pages are scanned with axe-core and the Nu HTML checker in tests/e2e/test_sweep.py,
and a moderator's keyboard journey is in tests/e2e/test_keyboard.py.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from tests.factories import EventFactory

CHANGELIST = reverse("admin:events_event_changelist")


@pytest.fixture
def queued(edition):
    return EventFactory(
        edition=edition,
        status=EventStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=1),
        title="Fresque de la relation usager",
    )


def test_queue_heading_says_what_the_list_is(moderator_client, queued):
    queue = moderator_client.get(CHANGELIST).content.decode()
    everything = moderator_client.get(CHANGELIST, {"status": "tous"}).content.decode()
    published = moderator_client.get(CHANGELIST, {"status": "published"}).content.decode()

    assert re.search(r"<h1>\s*File de modération : événements à traiter\s*</h1>", queue)
    assert "Sélectionnez l" not in queue
    assert re.search(r"<h1>\s*Tous les événements\s*</h1>", everything)
    assert re.search(r"<h1>\s*Événements : publié\s*</h1>", published)


def test_queue_lists_the_events_before_the_filters_folded_in_a_disclosure(moderator_client, queued):
    content = moderator_client.get(CHANGELIST).content.decode()

    assert content.index(queued.title) < content.index('id="changelist-filter"')
    disclosure = re.search(r'<details class="moderation-filters"[^>]*>', content).group(0)
    assert "open" not in disclosure  # no filter chosen: folded
    # The navigation sidebar would leave the table a third of the width at 1,280 px.
    assert 'id="nav-sidebar"' not in content


def test_chosen_filters_leave_the_disclosure_open(moderator_client, queued):
    content = moderator_client.get(CHANGELIST, {"region__exact": "53"}).content.decode()

    disclosure = re.search(r'<details class="moderation-filters"[^>]*>', content).group(0)
    assert "open" in disclosure


def test_session_inputs_have_a_name_and_no_dangling_description(moderator_client, queued):
    content = moderator_client.get(
        reverse("admin:events_event_change", args=[queued.pk])
    ).content.decode()

    for name, label in [
        ("date", "Date de la séance 1"),
        ("start_time", "Heure de début de la séance 1"),
        ("end_time", "Heure de fin de la séance 1"),
        ("DELETE", "Supprimer la séance 1"),
    ]:
        (tag,) = re.findall(rf'<input[^>]*name="sessions-0-{name}"[^>]*>', content)
        assert f'aria-label="{label}"' in tag
    assert "_timezone_warning_helptext" not in content
    # The page's script names the select2 search boxes and the filter boxes' icons.
    assert "js/admin-a11y.js" in content


def test_organisation_autocomplete_is_not_a_required_select_without_placeholder(
    moderator_client, queued
):
    content = moderator_client.get(
        reverse("admin:events_event_change", args=[queued.pk])
    ).content.decode()

    (select,) = re.findall(r'<select[^>]*name="organization"[^>]*>', content)
    assert "required" not in select


def test_organisation_stays_required(moderator_client, queued):
    response = moderator_client.post(
        reverse("admin:events_event_change", args=[queued.pk]),
        {"title": queued.title, "organization": ""},
    )

    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
