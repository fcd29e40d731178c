"""The reference lists of the event forms, kept between requests (moisinno.forms.KeptChoices):
editions, formats and themes until the public content changes; the admin's list of regional
relays until a relay or an account changes (moisinno.roles.relays_cached)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.models import Event, Format
from moisinno.models import RegionalRelay
from tests.admin_forms import resubmit_data
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def change_url(edition):
    event = EventFactory(edition=edition, submitted=True, submitted_at=timezone.now())
    return reverse("admin:events_event_change", args=[event.pk])


def _options(html: str, name: str) -> str:
    """The markup of the select named `name`."""
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_lists_are_read_once_then_kept_while_the_public_content_is_unchanged(
    moderator_client, change_url
):
    assert moderator_client.get(change_url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        html = moderator_client.get(change_url).content.decode()

    reads = [query["sql"] for query in queries]
    assert not [sql for sql in reads if sql.startswith('SELECT "events_format".')]
    assert not [sql for sql in reads if sql.startswith('SELECT "events_edition".')]
    # The event's own themes are read (its choice); the list of all themes is not.
    assert not [sql for sql in reads if 'FROM "events_theme" ORDER BY' in sql]
    edition = Event.objects.get(pk=change_url.split("/")[-3]).edition
    assert f'<option value="{edition.pk}" selected>{escape(edition)}</option>' in _options(
        html, "edition"
    )


def test_a_format_added_and_a_theme_renamed_show_at_the_next_request(moderator_client, change_url):
    theme = ThemeFactory(name="Participation citoyenne")
    html = moderator_client.get(change_url).content.decode()
    assert "Participation citoyenne" in _options(html, "themes")
    assert "Hackathon" not in _options(html, "format")

    FormatFactory(name="Hackathon")
    theme.name = "Participation des usagers"
    theme.save()
    EditionFactory(year=2031, number=24, is_current=False)

    html = moderator_client.get(change_url).content.decode()
    assert "Hackathon" in _options(html, "format")
    assert "Participation des usagers" in _options(html, "themes")
    assert "Participation citoyenne" not in _options(html, "themes")
    assert "2031" in _options(html, "edition")


def test_a_format_deleted_after_the_page_was_shown_is_refused_not_saved(
    moderator_client, change_url
):
    doomed = FormatFactory(name="Format bientôt retiré")
    page = moderator_client.get(change_url)
    assert "Format bientôt retiré" in _options(page.content.decode(), "format")
    data = resubmit_data(page, format=str(doomed.pk), title="Titre jamais enregistré")
    Format.objects.filter(pk=doomed.pk).delete()

    response = moderator_client.post(change_url, data)

    assert response.status_code == 200  # the form again, with its error
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Event.objects.filter(title="Titre jamais enregistré").exists()
    assert "Format bientôt retiré" not in _options(response.content.decode(), "format")


def test_the_organiser_event_form_lists_a_format_added_since_its_last_request(
    client, organizer, event_of
):
    event = event_of(organizer)
    url = reverse("organizers:event_update", args=[event.pk])
    client.force_login(organizer)
    assert "Hackathon" not in _options(client.get(url).content.decode(), "format")

    FormatFactory(name="Hackathon")

    assert "Hackathon" in _options(client.get(url).content.decode(), "format")


def test_the_relays_list_follows_a_relay_added_renamed_or_removed(
    moderator_client, change_url, django_capture_on_commit_callbacks
):
    # Each change renews the list once committed (the test's transaction never is: its
    # callbacks run at the end of each block).
    with django_capture_on_commit_callbacks(execute=True):
        relay = UserFactory(username="relais.bretagne", is_staff=True)
        RegionalRelay.objects.create(user=relay, regions=["53"])
    assert "relais.bretagne" in _options(
        moderator_client.get(change_url).content.decode(), "assigned_relay"
    )
    with CaptureQueriesContext(connection) as queries:
        moderator_client.get(change_url)
    assert not [q for q in queries if 'FROM "auth_user" WHERE EXISTS' in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        relay.username = "relais.sgar-bretagne"
        relay.save()
        other = UserFactory(username="relais.occitanie", is_staff=True)
        RegionalRelay.objects.create(user=other, regions=["76"])
    html = _options(moderator_client.get(change_url).content.decode(), "assigned_relay")
    assert "relais.sgar-bretagne" in html
    assert "relais.occitanie" in html

    with django_capture_on_commit_callbacks(execute=True):
        RegionalRelay.objects.filter(user=other).delete()
    html = _options(moderator_client.get(change_url).content.decode(), "assigned_relay")
    assert "relais.occitanie" not in html
    assert "relais.sgar-bretagne" in html


def test_the_relays_list_is_not_renewed_before_the_change_is_committed(
    moderator_client, change_url, django_capture_on_commit_callbacks
):
    moderator_client.get(change_url)  # the list kept, without relays
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        relay = UserFactory(username="relais.corse", is_staff=True)
        RegionalRelay.objects.create(user=relay, regions=["94"])
        # Another request before the commit keeps showing the list it kept.
        html = _options(moderator_client.get(change_url).content.decode(), "assigned_relay")
        assert "relais.corse" not in html
    assert callbacks  # the renewal waits for the commit
    for callback in callbacks:
        callback()
    html = _options(moderator_client.get(change_url).content.decode(), "assigned_relay")
    assert "relais.corse" in html
