import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from events import workflow
from events.enums import EventStatus as S
from events.models import ModerationLogEntry
from events.services import (
    EventNotEligible,
    TransitionConflict,
    TransitionNotAllowed,
    event_approve,
    event_cancel,
    event_submit,
    event_transition,
)
from tests.factories import EventFactory, MembershipFactory, UserFactory

# Written out by hand from the design (docs/design.md), independently of events.workflow.
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): {"organizer"},
    (S.SUBMITTED, S.DRAFT): {"organizer"},
    (S.SUBMITTED, S.PUBLISHED): {"moderator"},
    (S.SUBMITTED, S.CHANGES_REQUESTED): {"moderator"},
    (S.SUBMITTED, S.REJECTED): {"moderator"},
    (S.CHANGES_REQUESTED, S.SUBMITTED): {"organizer"},
    (S.PUBLISHED, S.CANCELLED): {"organizer", "moderator"},
    (S.PUBLISHED, S.CHANGES_REQUESTED): {"moderator"},
    # The edition has no publication moment here: approval publishes at once, nothing is
    # « Validé » (submitted → validated needs a moment to come, validated → published is the
    # opening's, never a person's: tests/events/test_launch_day.py).
    (S.VALIDATED, S.CHANGES_REQUESTED): {"moderator"},
}
ACTORS = ["organizer", "moderator", "other_organizer", "anonymous_user"]
PAIRS = [(a, b) for a, b in itertools.product(S.values, S.values) if a != b]


@pytest.fixture
def users(db, edition):
    return {
        "organizer": MembershipFactory().user,
        "moderator": UserFactory(moderator=True),
        "other_organizer": MembershipFactory().user,
        "anonymous_user": AnonymousUser(),
    }


def make_event(users, status):
    organization = users["organizer"].memberships.get().organization
    return EventFactory(organization=organization, status=status, eligible=True)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_transition_allowed_or_refused_per_actor(users, actor, from_status, to_status):
    event = make_event(users, from_status)
    user = users[actor]
    allowed = actor in ALLOWED.get((from_status, to_status), set())

    if allowed:
        event_transition(event=event, to_status=to_status, user=user, message="Motif précis")
        event.refresh_from_db()
        assert event.status == to_status
        assert event.status_changed_by == user
        assert event.status_changed_at is not None
        log = ModerationLogEntry.objects.get(event=event)
        assert (log.from_status, log.to_status, log.actor, log.actor_role) == (
            from_status,
            to_status,
            user,
            actor,
        )
        assert log.message == "Motif précis"
    else:
        with pytest.raises(TransitionNotAllowed):
            event_transition(event=event, to_status=to_status, user=user, message="Motif précis")
        event.refresh_from_db()
        assert event.status == from_status
        assert not ModerationLogEntry.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"),
    [
        (S.SUBMITTED, S.CHANGES_REQUESTED, "moderator"),
        (S.SUBMITTED, S.REJECTED, "moderator"),
        (S.PUBLISHED, S.CANCELLED, "organizer"),
        (S.PUBLISHED, S.CHANGES_REQUESTED, "moderator"),
    ],
)
def test_transition_without_message_refused_when_message_required(
    users, from_status, to_status, actor
):
    event = make_event(users, from_status)

    with pytest.raises(TransitionNotAllowed, match="message"):
        event_transition(event=event, to_status=to_status, user=users[actor], message="   ")

    event.refresh_from_db()
    assert event.status == from_status


def test_submit_stamps_submission_time_and_bumps_version(users):
    event = make_event(users, S.DRAFT)

    event_submit(event=event, user=users["organizer"])

    event.refresh_from_db()
    assert event.submitted_at is not None
    assert event.version == 1


def test_approve_publishes_and_clears_changed_since_validation(users):
    event = make_event(users, S.SUBMITTED)
    event.changed_since_validation = True
    event.changed_fields = ["title"]
    event.save()

    event_approve(event=event, user=users["moderator"])

    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    assert event.published_at is not None
    assert not event.changed_since_validation
    assert event.changed_fields == []


def test_cancel_keeps_reason_for_the_public_page(users):
    event = make_event(users, S.PUBLISHED)

    event_cancel(event=event, user=users["organizer"], message="Intervenant indisponible")

    event.refresh_from_db()
    assert event.status == S.CANCELLED
    assert event.moderation_message == "Intervenant indisponible"


def test_decision_on_stale_version_raises_conflict(users):
    event = make_event(users, S.SUBMITTED)
    seen_version = event.version
    event_approve(event=event, user=users["moderator"], expected_version=seen_version)
    second_moderator = UserFactory(moderator=True)

    with pytest.raises(TransitionConflict, match="modifié entre-temps"):
        event_transition(
            event=event,
            to_status=S.REJECTED,
            user=second_moderator,
            message="Hors sujet",
            expected_version=seen_version,
        )

    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    assert ModerationLogEntry.objects.filter(event=event).count() == 1


def test_pending_member_cannot_submit(users):
    event = make_event(users, S.DRAFT)
    pending = MembershipFactory(organization=event.organization, status="pending").user

    with pytest.raises(TransitionNotAllowed):
        event_submit(event=event, user=pending)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("status", S.values)
def test_allowed_lists_exactly_what_the_actor_may_do_now(users, actor, status):
    event = make_event(users, status)

    offered = {t.to_status for t in workflow.allowed(event, users[actor])}

    assert offered == {
        to for (from_, to), actors in ALLOWED.items() if from_ == status and actor in actors
    }


@pytest.mark.parametrize("from_status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_the_one_submit_door_checks_eligibility_from_every_submittable_status(users, from_status):
    event = make_event(users, from_status)
    event.description = ""
    event.save()

    with pytest.raises(EventNotEligible, match="Rédigez la description"):
        event_submit(event=event, user=users["organizer"], message="Voici la description.")

    event.refresh_from_db()
    assert event.status == from_status
    assert not ModerationLogEntry.objects.filter(event=event).exists()


def test_a_first_submission_after_the_referencing_window_is_refused(users, edition):
    edition.referencing_closes_on = edition.start_date.replace(month=10, day=29)
    edition.save()
    event = make_event(users, S.DRAFT)

    with pytest.raises(EventNotEligible, match="a pris fin"):
        event_submit(event=event, user=users["organizer"])
