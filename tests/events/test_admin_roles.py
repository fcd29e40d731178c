"""Who reaches what in the back-office, and the editions that superusers manage."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import Edition
from events.selectors import current_edition
from events.services import edition_make_current
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    UserFactory,
)

# Written out by hand from the issue: moderate events; edit organisations, labs, formats and
# themes; see (not edit) editions; nothing on users, groups or the email queue.
MODERATOR_PERMISSIONS = {
    "events.view_event",
    "events.change_event",
    "events.moderate_event",
    "events.view_eventsession",
    "events.add_eventsession",
    "events.change_eventsession",
    "events.delete_eventsession",
    "events.view_moderationlogentry",
    "events.view_edition",
    "events.view_format",
    "events.add_format",
    "events.change_format",
    "events.view_theme",
    "events.add_theme",
    "events.change_theme",
    "organizers.view_organization",
    "organizers.add_organization",
    "organizers.change_organization",
    "organizers.view_membership",
    "organizers.change_membership",
    "labs.view_lab",
    "labs.add_lab",
    "labs.change_lab",
}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_moderator_group_has_exactly_the_moderation_permissions(db):
    group = Group.objects.get(name="Modérateur DITP")

    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert granted == MODERATOR_PERMISSIONS


@pytest.fixture
def objects(edition):
    return {
        "event": EventFactory(edition=edition, submitted=True),
        "organization": OrganizationFactory(),
        "lab": LabFactory(),
        "format": FormatFactory(),
        "edition": edition,
    }


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize(
    ("url_name", "object_key", "moderator_status", "superuser_status"),
    [
        ("events_event_changelist", None, 200, 200),
        ("events_event_change", "event", 200, 200),
        ("events_event_statistics", None, 200, 200),
        ("events_event_delete", "event", 403, 200),
        ("events_format_add", None, 200, 200),
        ("events_theme_add", None, 200, 200),
        ("organizers_organization_change", "organization", 200, 200),
        ("organizers_organization_add", None, 200, 200),
        ("organizers_membership_changelist", None, 200, 200),
        ("labs_lab_change", "lab", 200, 200),
        ("labs_lab_add", None, 200, 200),
        ("events_edition_changelist", None, 200, 200),
        ("events_edition_add", None, 403, 200),
        ("auth_user_changelist", None, 403, 200),
        ("auth_group_changelist", None, 403, 200),
        ("moisinno_outgoingemail_changelist", None, 403, 200),
    ],
)
def test_admin_pages_per_role(
    client, moderator, objects, url_name, object_key, moderator_status, superuser_status
):
    args = [objects[object_key].pk] if object_key else []
    superuser = UserFactory(is_staff=True, is_superuser=True, email="admin@modernisation.gouv.fr")

    client.force_login(moderator)
    as_moderator = client.get(admin_url(url_name, *args)).status_code
    client.force_login(superuser)
    as_superuser = client.get(admin_url(url_name, *args)).status_code

    assert (as_moderator, as_superuser) == (moderator_status, superuser_status)


def test_moderator_sees_editions_read_only(client, moderator, edition):
    client.force_login(moderator)

    response = client.get(admin_url("events_edition_change", edition.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "Rendre courante" not in response.content.decode()


# Editions ---------------------------------------------------------------------------------


@pytest.fixture
def two_editions(db):
    previous = EditionFactory(year=2022, is_current=True)
    following = EditionFactory(
        year=2023, theme="Innovation et sobriété", is_current=False, number=10
    )
    return previous, following


def test_edition_make_current_switches_the_single_current_edition(two_editions):
    previous, following = two_editions

    edition_make_current(edition=following)

    assert list(Edition.objects.filter(is_current=True)) == [following]
    assert current_edition() == following
    edition_make_current(edition=following)  # idempotent
    assert list(Edition.objects.filter(is_current=True)) == [following]


def test_public_programme_follows_the_current_edition(client, two_editions):
    previous, following = two_editions
    EventFactory(edition=previous, published=True, title="Atelier de 2022")
    EventFactory(edition=following, published=True, title="Atelier de 2023")

    before = client.get(reverse("events:programme")).content.decode()
    edition_make_current(edition=following)
    after = client.get(reverse("events:programme")).content.decode()

    assert "Atelier de 2022" in before and "Atelier de 2023" not in before
    assert "Atelier de 2023" in after and "Atelier de 2022" not in after


def test_superuser_makes_an_edition_current_from_the_list(admin_client, two_editions):
    previous, following = two_editions

    response = admin_client.post(
        admin_url("events_edition_changelist"),
        {"action": "make_current", "_selected_action": [following.pk], "index": 0},
    )

    assert response.status_code == 302
    following.refresh_from_db()
    previous.refresh_from_db()
    assert (following.is_current, previous.is_current) == (True, False)
    assert messages_of(response) == [
        "L'édition 2023 est désormais l'édition courante : le site public et l'espace "
        "organisateur l'affichent."
    ]


def test_make_current_needs_exactly_one_edition(admin_client, two_editions):
    previous, following = two_editions

    response = admin_client.post(
        admin_url("events_edition_changelist"),
        {"action": "make_current", "_selected_action": [previous.pk, following.pk], "index": 0},
    )

    assert messages_of(response) == ["Sélectionnez une seule édition à rendre courante."]
    previous.refresh_from_db()
    assert previous.is_current


def test_superuser_makes_an_edition_current_from_its_page(admin_client, two_editions):
    previous, following = two_editions
    page = admin_client.get(admin_url("events_edition_change", following.pk)).content.decode()
    assert "Rendre courante" in page

    admin_client.post(
        admin_url("events_edition_change", following.pk),
        {"CHANGE_FORM-action": "make_current", "_selected_action": [following.pk]},
    )

    following.refresh_from_db()
    assert following.is_current


def test_moderator_cannot_make_an_edition_current(client, moderator, two_editions):
    previous, following = two_editions
    client.force_login(moderator)

    client.post(
        admin_url("events_edition_changelist"),
        {"action": "make_current", "_selected_action": [following.pk], "index": 0},
    )

    following.refresh_from_db()
    assert not following.is_current


def test_new_edition_form_starts_from_the_latest_edition_a_year_later(admin_client, two_editions):
    response = admin_client.get(admin_url("events_edition_add"))

    initial = response.context["adminform"].form.initial
    assert initial["year"] == 2024
    assert initial["number"] == 11
    assert initial["start_date"] == datetime.date(2024, 11, 2)
    assert initial["referencing_closes_on"] == datetime.date(2024, 10, 29)


def test_superuser_creates_the_next_edition(admin_client, two_editions):
    response = admin_client.post(
        admin_url("events_edition_add"),
        {
            "year": 2024,
            "number": 11,
            "name": "Mois de l'innovation publique",
            "theme": "Services publics de proximité",
            "start_date": "2024-11-04",
            "end_date": "2024-11-29",
            "referencing_opens_on": "2024-09-02",
            "referencing_closes_on": "2024-10-25",
        },
    )

    assert response.status_code == 302
    created = Edition.objects.get(year=2024)
    assert created.theme == "Services publics de proximité"
    assert not created.is_current
