"""Launch day: before the edition's publication moment approval makes an event « Validé »
(not public); at the moment the opening publishes every validated event at once, with its
e-mail and its log row; after it, approval publishes at once. The clock is passed in (`now`)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import workflow
from events.enums import Actor
from events.enums import EventStatus as S
from events.models import ModerationLogEntry
from events.services import (
    TransitionNotAllowed,
    edition_open_programme,
    edition_schedule_opening,
    editions_open_due,
    event_approve,
    event_transition,
)
from moisinno.models import OutgoingEmail
from moisinno.pagecache import public_content_version
from tests.factories import EventFactory, MembershipFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))
OPENING = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)
BEFORE = OPENING - datetime.timedelta(days=3)
AFTER = OPENING + datetime.timedelta(minutes=1)


@pytest.fixture
def opening_edition(edition):
    edition.publication_at = OPENING
    edition.save()
    return edition


@pytest.fixture
def organizer_member(db):
    return MembershipFactory()


def submitted_event(membership, edition, **kwargs):
    kwargs.setdefault("status", S.SUBMITTED)
    return EventFactory(
        organization=membership.organization, edition=edition, eligible=True, **kwargs
    )


def test_approval_before_the_moment_validates_without_publishing(
    opening_edition, organizer_member, moderator, client
):
    event = submitted_event(organizer_member, opening_edition, slug="atelier-valide")
    visible = submitted_event(
        organizer_member, opening_edition, slug="deja-publie", status=S.PUBLISHED
    )

    event_approve(event=event, user=moderator, now=BEFORE)

    event.refresh_from_db()
    assert event.status == S.VALIDATED
    assert event.published_at is None
    assert not event.is_public
    log = ModerationLogEntry.objects.get(event=event)
    assert (log.from_status, log.to_status, log.actor, log.actor_role) == (
        S.SUBMITTED,
        S.VALIDATED,
        moderator,
        Actor.MODERATOR,
    )
    email = OutgoingEmail.objects.get(template="event_decision")
    assert email.to == [organizer_member.user.email]
    assert email.subject == f"Votre événement « {event.title} » est validé"
    assert "2 novembre 2026 à 9\u00a0h" in email.body_text
    # Not on the public site, its feeds, its API nor its sitemap.
    assert client.get(event.get_absolute_url()).status_code == 404
    for url in (reverse("events:programme"), "/sitemap.xml", "/programme.json", "/api/v1/events/"):
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert visible.slug in body, url
        assert event.slug not in body, url


def test_publish_directly_is_refused_before_the_moment(
    opening_edition, organizer_member, moderator
):
    event = submitted_event(organizer_member, opening_edition)

    with pytest.raises(TransitionNotAllowed, match="pas encore ouvert"):
        event_transition(event=event, to_status=S.PUBLISHED, user=moderator, now=BEFORE)

    before = {t.slug for t in workflow.allowed(event, moderator, now=BEFORE)}
    after = {t.slug for t in workflow.allowed(event, moderator, now=AFTER)}
    assert before == {"valider", "demander-des-modifications", "refuser"}
    assert after == {"approuver", "demander-des-modifications", "refuser"}


def test_nobody_may_publish_a_validated_event_by_hand(opening_edition, organizer_member, moderator):
    event = submitted_event(organizer_member, opening_edition, status=S.VALIDATED)

    for user in (moderator, organizer_member.user):
        with pytest.raises(TransitionNotAllowed):
            event_transition(event=event, to_status=S.PUBLISHED, user=user, now=AFTER)
    event.refresh_from_db()
    assert event.status == S.VALIDATED


def test_the_opening_publishes_every_validated_event_at_the_moment_once(
    opening_edition, organizer_member, moderator, client
):
    events = [submitted_event(organizer_member, opening_edition) for _ in range(3)]
    for event in events:
        event_approve(event=event, user=moderator, now=BEFORE)
    still_submitted = submitted_event(organizer_member, opening_edition)
    OutgoingEmail.objects.all().delete()

    # Too early: nothing happens.
    assert (
        edition_open_programme(edition=opening_edition, now=OPENING - datetime.timedelta(seconds=1))
        == 0
    )
    assert all(
        e.status == S.VALIDATED
        for e in type(events[0]).objects.filter(pk__in=[e.pk for e in events])
    )

    version = public_content_version()
    assert edition_open_programme(edition=opening_edition, now=OPENING) == 3
    assert public_content_version() > version

    for event in events:
        event.refresh_from_db()
        assert event.status == S.PUBLISHED
        assert event.published_at == OPENING
        log = event.moderation_log.order_by("pk").last()
        assert (log.from_status, log.to_status, log.actor, log.actor_role) == (
            S.VALIDATED,
            S.PUBLISHED,
            None,
            Actor.SYSTEM,
        )
        assert "Ouverture du programme le 2 novembre 2026" in log.message
        assert client.get(event.get_absolute_url()).status_code == 200
    online = OutgoingEmail.objects.filter(template="event_decision")
    assert sorted(e.subject for e in online) == sorted(
        f"Votre événement « {e.title} » est en ligne" for e in events
    )
    still_submitted.refresh_from_db()
    assert still_submitted.status == S.SUBMITTED

    # Idempotent: a second run (the cron command after the task) changes nothing.
    assert edition_open_programme(edition=opening_edition, now=AFTER) == 0
    assert OutgoingEmail.objects.filter(template="event_decision").count() == 3


def test_after_the_moment_approval_publishes_at_once(opening_edition, organizer_member, moderator):
    event = submitted_event(organizer_member, opening_edition)

    event_approve(event=event, user=moderator, now=AFTER)

    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    with pytest.raises(TransitionNotAllowed, match="déjà ouvert"):
        event_transition(
            event=submitted_event(organizer_member, opening_edition),
            to_status=S.VALIDATED,
            user=moderator,
            now=AFTER,
        )


def test_cron_command_opens_due_editions_only(opening_edition, organizer_member, moderator):
    event = submitted_event(organizer_member, opening_edition)
    event_approve(event=event, user=moderator, now=BEFORE)

    assert editions_open_due(now=BEFORE) == 0
    event.refresh_from_db()
    assert event.status == S.VALIDATED

    opening_edition.publication_at = timezone.now() - datetime.timedelta(minutes=5)
    opening_edition.save()
    out = io.StringIO()
    call_command("open_programme", stdout=out)
    assert "1 événement(s) publié(s)" in out.getvalue()
    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    call_command("open_programme", stdout=out)
    assert event.moderation_log.filter(to_status=S.PUBLISHED).count() == 1


def run_worker():
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        verbosity=0,
        stdout=io.StringIO(),
    )


# The worker closes the connection when it is not in autocommit mode (inside a test
# transaction): this test uses real transactions, as tests/moisinno/test_notifications.py does.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_opening_task_is_scheduled_at_the_moment_and_the_worker_runs_it(
    opening_edition, organizer_member, moderator
):
    moment = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    opening_edition.publication_at = moment
    opening_edition.save()
    event = submitted_event(organizer_member, opening_edition)
    event_approve(event=event, user=moderator)
    event.refresh_from_db()
    assert event.status == S.VALIDATED

    edition_schedule_opening(edition=opening_edition)

    task = DBTaskResult.objects.get(task_path="events.tasks.open_programme")
    assert task.run_after == moment
    assert task.args_kwargs["args"] == [opening_edition.pk]
    # The moment has not come: the worker does not pick the task up.
    run_worker()
    event.refresh_from_db()
    assert event.status == S.VALIDATED
    # The moment comes (moved to now), the worker opens the programme.
    opening_edition.publication_at = timezone.now() - datetime.timedelta(seconds=1)
    opening_edition.save()
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=opening_edition.publication_at)
    run_worker()
    event.refresh_from_db()
    assert event.status == S.PUBLISHED


def test_admin_offers_validation_before_the_moment(
    opening_edition, organizer_member, moderator, client
):
    event = submitted_event(organizer_member, opening_edition)
    opening_edition.publication_at = timezone.now() + datetime.timedelta(days=2)
    opening_edition.save()
    client.force_login(moderator)

    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "Valider (publié à l&#x27;ouverture du programme)" in page
    assert "Approuver et publier" not in page
    assert "Programme ouvert au public le" in page

    response = client.post(
        reverse("admin:events_event_changelist") + "?status=tous",
        # "apply": the confirmation page's button (the first post shows the list to confirm).
        {"action": "approve_selected", "_selected_action": [event.pk], "apply": "1"},
        follow=True,
    )
    assert (
        "1 événement(s) validé(s), publié(s) à l&#x27;ouverture du programme"
        in response.content.decode()
    )
    event.refresh_from_db()
    assert event.status == S.VALIDATED


def test_organiser_dashboard_shows_the_validated_group(
    opening_edition, organizer_member, moderator, client
):
    event = submitted_event(organizer_member, opening_edition, status=S.VALIDATED)
    client.force_login(organizer_member.user)

    page = client.get("/espace-organisateur/").content.decode()

    assert "Validés, publiés à l’ouverture du programme" in page
    assert event.title in page
    # The opening moment (in 2026, past by now) is announced only while it is to come.
    assert "Le programme ouvre au public le" not in page
    opening_edition.publication_at = timezone.now() + datetime.timedelta(days=3)
    opening_edition.save()
    page = client.get("/espace-organisateur/").content.decode()
    local = timezone.localtime(opening_edition.publication_at)
    assert f"Le programme ouvre au public le {local.day} " in page
