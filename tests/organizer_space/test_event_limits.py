"""Limits on drafts created and events submitted, per account and per organisation (an account
once created 492 drafts in minutes): a French message says when to try again, and nothing typed
is lost. Sign-ups are limited per IP address, read as TRUSTED_PROXY_COUNT says."""

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.editing import event_create
from events.enums import EventStatus
from events.models import Event
from events.services import event_request_changes
from tests.factories import EventFactory, MembershipFactory, UserFactory, session_place_of
from tests.organizer_space.forms import complete_event_fields, event_form_data

CREATE = reverse("organizers:event_create")


@pytest.fixture(autouse=True)
def _not_at_the_edge_of_an_hour():
    """The limits count in windows of the clock (moisinno.ratelimit: 10:00–11:00…): a test
    whose two requests straddled 11:00 would see its second request allowed (a run of the
    whole suite failed once that way, it seems). Within ten seconds of the hour, the test
    starts after it."""
    left = 3600 - time.time() % 3600
    if left < 10:
        time.sleep(left + 0.1)


RETRY = re.compile(r"Réessayez dans (\d+) minutes?\.")


def create(client, title: str, **fields):
    return client.post(
        CREATE,
        event_form_data(
            title=title,
            sessions=[{"date": "2026-11-16", "start_time": "10:00", "end_time": "12:00"}],
            **fields,
        ),
    )


def assert_retry_message(html: str) -> int:
    match = RETRY.search(html)
    assert match, "no « Réessayez dans N minutes »"
    minutes = int(match.group(1))
    assert 1 <= minutes <= 60
    return minutes


# --- Drafts ---------------------------------------------------------------------------------------


def test_an_account_is_stopped_at_its_limit_with_everything_it_typed(
    member_client, open_edition, settings
):
    settings.EVENT_CREATE_RATE_LIMIT = "3/h/user,50/h/organization"
    for number in range(3):
        assert create(member_client, f"Atelier {number}").status_code == 302

    response = create(
        member_client,
        "Le quatrième atelier",
        description="Une description longue, tapée avec soin.",
    )

    assert response.status_code == 429
    minutes = assert_retry_message(response.content.decode())
    assert 0 < int(response["Retry-After"]) <= minutes * 60
    html = response.content.decode()
    assert "Votre compte a créé 3 événements en moins d’une heure" in html
    assert re.search(r"<title>\s*Erreur\s*:", html)
    # The form comes back filled in: title, description and the session row.
    assert 'value="Le quatrième atelier"' in html
    assert "Une description longue, tapée avec soin." in html
    assert 'value="2026-11-16"' in html
    assert Event.objects.count() == 3


def test_an_organisation_is_stopped_at_its_limit_whoever_creates(client, open_edition, settings):
    settings.EVENT_CREATE_RATE_LIMIT = "10/h/user,4/h/organization"
    first = MembershipFactory()
    second = MembershipFactory(organization=first.organization)
    for membership in (first, second):
        client.force_login(membership.user)
        for number in range(2):
            assert create(client, f"Atelier {membership.pk}-{number}").status_code == 302

    response = create(client, "Un de trop")

    assert response.status_code == 429
    assert "Votre organisation a créé 4 événements en moins d’une heure" in (
        response.content.decode()
    )
    # Another organisation is not affected.
    client.force_login(MembershipFactory().user)
    assert create(client, "Ailleurs").status_code == 302


def test_an_invalid_form_or_a_refusal_counts_for_nothing(member_client, open_edition, settings):
    settings.EVENT_CREATE_RATE_LIMIT = "2/h/user"
    for _ in range(5):  # no title: a form error, nothing created, nothing counted
        assert create(member_client, "").status_code == 200

    assert create(member_client, "Premier").status_code == 302
    assert create(member_client, "Deuxième").status_code == 302
    for _ in range(3):
        assert create(member_client, "Refusé").status_code == 429

    assert Event.objects.count() == 2


def test_a_copy_counts_as_a_new_draft(member_client, open_edition, organization, settings):
    settings.EVENT_CREATE_RATE_LIMIT = "1/h/user"
    original = EventFactory(edition=open_edition, organization=organization)
    assert create(member_client, "Premier").status_code == 302

    response = member_client.post(
        reverse("organizers:event_duplicate", args=[original.pk]), follow=True
    )

    assert "Votre compte a créé 1 événement en moins d’une heure" in response.content.decode()
    assert_retry_message(response.content.decode())
    assert Event.objects.count() == 2


def test_moderators_are_not_limited(open_edition, organization, settings):
    settings.EVENT_CREATE_RATE_LIMIT = "1/h/user,1/h/organization"
    moderator = UserFactory(moderator=True)

    for number in range(3):
        event_create(
            organization=organization,
            edition=open_edition,
            user=moderator,
            fields={"title": f"Ajout DITP {number}"},
        )

    assert Event.objects.filter(organization=organization).count() == 3


# --- Submissions ----------------------------------------------------------------------------------


@pytest.fixture
def eligible(open_edition, organization, atelier):
    def make(title):
        day = open_edition.start_date + datetime.timedelta(days=3)
        fields = complete_event_fields(format_pk=atelier.pk)
        fields.pop("format")
        event = EventFactory(
            edition=open_edition,
            organization=organization,
            title=title,
            format=atelier,
            starts_on=day,
            ends_on=day,
            **fields,
        )
        event.sessions.create(date=day, **session_place_of(event))
        return event

    return make


def test_submissions_are_limited_per_account(member_client, eligible, settings):
    settings.EVENT_SUBMIT_RATE_LIMIT = "2/h/user,50/h/organization"
    events = [eligible(f"Atelier {n}") for n in range(3)]
    for event in events[:2]:
        response = member_client.post(reverse("organizers:event_submit", args=[event.pk]))
        assert response.status_code == 302

    response = member_client.post(reverse("organizers:event_submit", args=[events[2].pk]))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de soumissions en peu de temps" in html
    assert "Votre compte a soumis 2 événements en moins d’une heure" in html
    assert_retry_message(html)
    events[2].refresh_from_db()
    assert events[2].status == EventStatus.DRAFT


def test_an_ineligible_submission_is_not_counted(member_client, eligible, open_edition, settings):
    settings.EVENT_SUBMIT_RATE_LIMIT = "1/h/user"
    incomplete = EventFactory(edition=open_edition, organization=eligible("x").organization)
    for _ in range(3):
        member_client.post(reverse("organizers:event_submit", args=[incomplete.pk]))

    ready = eligible("Prêt")
    response = member_client.post(reverse("organizers:event_submit", args=[ready.pk]))

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == EventStatus.SUBMITTED


def test_a_refused_resubmission_keeps_the_answer_typed(member_client, eligible, settings):
    settings.EVENT_SUBMIT_RATE_LIMIT = "1/h/user"
    first, second = eligible("Premier"), eligible("Second")
    member_client.post(reverse("organizers:event_submit", args=[first.pk]))
    second.status = EventStatus.SUBMITTED
    second.save()
    event_request_changes(
        event=second, user=UserFactory(moderator=True), message="Précisez le lieu."
    )

    response = member_client.post(
        reverse("organizers:event_resubmit", args=[second.pk]),
        {"message": "Le lieu est précisé : salle 12."},
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "Le lieu est précisé : salle 12." in html
    assert_retry_message(html)


# --- Sign-ups per IP ------------------------------------------------------------------------------


def sign_up(client, number: int, **headers):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"agent{number}@exemple.gouv.fr",
            "password1": "Un-mot-de-passe-bien-long-2026",
            "password2": "Un-mot-de-passe-bien-long-2026",
        },
        headers=headers,
    )


def test_sign_ups_are_limited_per_ip(client, db):
    for number in range(5):
        assert sign_up(client, number).status_code == 302

    response = sign_up(client, 99)

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert get_user_model().objects.count() == 5
    assert EmailAddress.objects.count() == 5


def test_behind_a_proxy_each_visitor_has_their_own_sign_up_limit(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        assert sign_up(client, number, x_forwarded_for="198.51.100.7").status_code == 302
    assert sign_up(client, 5, x_forwarded_for="198.51.100.7").status_code == 429

    assert sign_up(client, 6, x_forwarded_for="203.0.113.9").status_code == 302


def test_without_a_trusted_proxy_a_forged_address_does_not_escape_the_limit(client, db):
    for number in range(5):
        assert sign_up(client, number, x_forwarded_for=f"198.51.100.{number}").status_code == 302

    assert sign_up(client, 5, x_forwarded_for="203.0.113.9").status_code == 429
