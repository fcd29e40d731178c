"""Eligibility rules checked at submission, duplicates, and the organiser-side event services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from events.editing import (
    EventNotEditable,
    ReferencingClosed,
    event_create,
    event_duplicate,
    event_update,
)
from events.eligibility import eligibility_errors
from events.enums import AttendanceMode, EventStatus, RegistrationMode
from events.models import EventSession
from events.selectors import event_possible_duplicates, title_similarity
from events.services import EventNotEligible, event_submit
from tests.factories import (
    EditionFactory,
    EventFactory,
    EventSessionFactory,
    FormatFactory,
    LabFactory,
    MembershipFactory,
    UserFactory,
    session_place_of,
)


def eligible_event(edition, organization, **kwargs):
    """An event that meets every rule (in person, free, one session inside the edition)."""
    values = {
        "edition": edition,
        "organization": organization,
        "title": "Atelier FALC",
        "summary": "Écrire facile à lire et à comprendre.",
        "description": "Un atelier pratique.",
        "address": "3 avenue de la Préfecture",
        "city": "Rennes",
        "department": "35",
        "private_contact_email": "contact@bretagne.gouv.fr",
        "starts_on": edition.start_date + datetime.timedelta(days=3),
        **kwargs,
    }
    return EventFactory(**values)


@pytest.fixture
def event(open_edition, organization):
    return eligible_event(open_edition, organization)


def test_eligible_event_has_no_errors(event, member):
    assert eligibility_errors(event, user=member) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Rédigez le résumé"),
        ({"description": "  "}, "Rédigez la description"),
        ({"format": None}, "Choisissez le format"),
        ({"address": ""}, "se tient en présentiel\u00a0: indiquez l’adresse et la ville"),
        ({"department": ""}, "se tient en présentiel\u00a0: indiquez le département du lieu"),
        (
            {"attendance_mode": AttendanceMode.ONLINE},
            "se tient en ligne\u00a0: indiquez le lien de connexion",
        ),
        ({"registration_mode": RegistrationMode.LINK}, "Indiquez le lien d’inscription"),
        ({"registration_mode": RegistrationMode.EMAIL}, "Indiquez le courriel d’inscription"),
        ({"private_contact_email": ""}, "que l’équipe DITP peut contacter"),
        ({"is_free": False}, "L’événement doit être gratuit"),
    ],
)
def test_eligibility_names_each_missing_piece(event, member, changes, message):
    # The place is the session's (events.sessions); everything else, the event's.
    session = event.sessions.get()
    for field, value in changes.items():
        setattr(session if hasattr(session, field) else event, field, value)
    event.save()
    session.save()

    errors = eligibility_errors(event, user=member)

    assert len(errors) == 1
    assert errors[0].startswith(message) or message in errors[0]


def test_eligibility_requires_at_least_one_session(event, member):
    event.sessions.all().delete()

    assert eligibility_errors(event, user=member) == [
        "Ajoutez au moins une séance\u00a0: sa date, et si possible ses horaires."
    ]


def test_eligibility_refuses_a_session_ending_before_it_starts(event, member):
    # The database forbids it too: check the rule on sessions as loaded (prefetched).
    session = EventSession(
        event=event, date=event.starts_on, start_time=datetime.time(12), **session_place_of(event)
    )
    session.end_time = datetime.time(10)
    event._prefetched_objects_cache = {"sessions": [session]}

    (error,) = eligibility_errors(event, user=member)

    assert error.startswith(f"La séance du {session.date.day}")
    assert "l’heure de fin doit suivre l’heure de début" in error


def test_eligibility_refuses_sessions_outside_the_edition_without_derogation(
    event, member, open_edition
):
    after = open_edition.end_date + datetime.timedelta(days=2)
    EventSessionFactory(event=event, date=after)

    (error,) = eligibility_errors(event, user=member)

    assert "a lieu en dehors des dates de l’édition" in error
    assert "demandez une dérogation en la justifiant" in error


def test_eligibility_accepts_derogation_with_justification_only(event, member, open_edition):
    EventSessionFactory(event=event, date=open_edition.end_date + datetime.timedelta(3))
    event.derogation_requested = True
    event.save()

    (error,) = eligibility_errors(event, user=member)
    assert error.startswith("Justifiez la demande de dérogation")

    event.derogation_justification = "Le lieu n’est disponible qu’en décembre."
    event.save()
    assert eligibility_errors(event, user=member) == []


def test_eligibility_refuses_a_first_submission_after_the_window_closes(
    closed_edition, organization, member
):
    event = eligible_event(closed_edition, organization)

    (error,) = eligibility_errors(event, user=member)

    assert error.startswith(f"Le référencement de l’édition {closed_edition.year} a pris fin le")


def test_eligibility_refuses_a_submission_before_the_window_opens(organization, member):
    today = datetime.date.today()
    edition = EditionFactory(
        year=today.year + 1,
        start_date=today + datetime.timedelta(days=200),
        end_date=today + datetime.timedelta(days=228),
        referencing_opens_on=today + datetime.timedelta(days=30),
        referencing_closes_on=today + datetime.timedelta(days=150),
    )
    event = eligible_event(edition, organization)

    (error,) = eligibility_errors(event, user=member)

    assert error.startswith(f"Le référencement de l’édition {edition.year} ouvrira le")


def test_eligibility_window_does_not_block_resubmission_nor_ditp(
    closed_edition, organization, member
):
    moderator = UserFactory(moderator=True)
    event = eligible_event(closed_edition, organization)

    assert eligibility_errors(event, user=moderator) == []
    event.status = EventStatus.CHANGES_REQUESTED
    assert eligibility_errors(event, user=member) == []


def test_submit_raises_every_error_and_changes_nothing(event, member):
    event.summary = ""
    event.is_free = False
    event.save()

    with pytest.raises(EventNotEligible) as raised:
        event_submit(event=event, user=member)

    assert len(raised.value.errors) == 2
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT


def test_submit_goes_through_the_transition_service(event, member):
    event_submit(event=event, user=member)

    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED
    entry = event.moderation_log.get()
    assert (entry.from_status, entry.to_status, entry.actor) == ("draft", "submitted", member)


def test_event_create_refuses_a_non_member(open_edition, organization):
    outsider = MembershipFactory().user

    with pytest.raises(PermissionDenied):
        event_create(
            organization=organization, edition=open_edition, user=outsider, fields={"title": "X"}
        )


def test_event_create_refuses_an_organiser_after_the_window_but_not_ditp(
    closed_edition, organization, member
):
    with pytest.raises(ReferencingClosed):
        event_create(
            organization=organization, edition=closed_edition, user=member, fields={"title": "X"}
        )

    moderator = UserFactory(moderator=True)
    event = event_create(
        organization=organization, edition=closed_edition, user=moderator, fields={"title": "X"}
    )
    assert event.status == EventStatus.DRAFT


def test_event_update_refuses_submitted_events(event, member):
    event.status = EventStatus.SUBMITTED
    event.save()

    with pytest.raises(EventNotEditable, match="retirez-le de la validation"):
        event_update(event=event, user=member, fields={"title": "Nouveau titre"})


def test_event_update_of_published_event_keeps_the_validated_value(event, member):
    event.status = EventStatus.PUBLISHED
    event.save()

    event = event_update(event=event, user=member, fields={"title": "Atelier FALC v2"})
    event = event_update(event=event, user=member, fields={"title": "Atelier FALC v3"})

    assert event.changed_since_validation is True
    assert event.changed_fields == [
        {"field": "title", "label": "Titre", "before": "Atelier FALC", "after": "Atelier FALC v3"}
    ]
    event = event_update(event=event, user=member, fields={"title": "Atelier FALC"})
    assert event.changed_fields == []
    assert event.changed_since_validation is False
    assert event.status == EventStatus.PUBLISHED


def test_event_update_of_published_event_tracks_sessions_and_m2m(event, member, open_edition):
    event.status = EventStatus.PUBLISHED
    event.save()
    lab = LabFactory(name="La 27e Région")
    new_day = open_edition.start_date + datetime.timedelta(days=10)

    event = event_update(
        event=event,
        user=member,
        fields={},
        m2m={"labs": [lab]},
        sessions=[{"id": None, "date": new_day, "start_time": None, "end_time": None}],
    )

    changes = {change["field"]: change for change in event.changed_fields}
    assert changes["labs"]["before"] == ""
    assert changes["labs"]["after"] == "La 27e Région"
    assert changes["sessions"]["label"] == "Séances"
    assert str(new_day.year) in changes["sessions"]["after"]
    assert list(changes) == ["sessions", "labs"]  # form order


def test_event_duplicate_within_the_edition_copies_sessions(event, member):
    copy = event_duplicate(event=event, user=member, edition=event.edition)

    assert copy.pk != event.pk
    assert copy.status == EventStatus.DRAFT
    assert copy.title == "Atelier FALC (copie)"
    assert copy.slug != event.slug
    assert list(copy.sessions.values_list("date", flat=True)) == [event.starts_on]
    assert copy.format == event.format


def test_event_duplicate_from_a_past_edition_leaves_dates_out(open_edition, organization, member):
    past = EditionFactory(year=2022, is_current=False)
    old = eligible_event(past, organization, derogation_requested=True, status="published")

    copy = event_duplicate(event=old, user=member, edition=open_edition)

    assert copy.edition == open_edition
    assert copy.title == "Atelier FALC"
    assert not copy.sessions.exists()
    assert copy.derogation_requested is False


def test_possible_duplicates_same_organisation_same_day_similar_title(event, organization):
    twin = eligible_event(event.edition, organization, title="Atelier « FALC »", slug="twin")
    eligible_event(event.edition, organization, title="Conférence sur les données", slug="other")
    eligible_event(
        event.edition,
        organization,
        title="Atelier FALC",
        slug="other-day",
        starts_on=event.starts_on + datetime.timedelta(days=1),
    )
    eligible_event(event.edition, MembershipFactory().organization, title="Atelier FALC")

    assert event_possible_duplicates(event=event) == [twin]


def test_title_similarity_ignores_case_accents_and_punctuation():
    assert title_similarity("Atelier « Écrire FALC »", "atelier ecrire falc") == 1.0
    assert title_similarity("Atelier FALC", "Conférence données") < 0.6


def test_eligibility_uses_precise_dates_in_french(event, member, open_edition):
    first = open_edition.end_date + datetime.timedelta(days=1)
    EventSessionFactory(event=event, date=first)
    EventSessionFactory(event=event, date=first + datetime.timedelta(days=1))
    FormatFactory()

    (error,) = eligibility_errors(event, user=member)

    assert error.startswith("Les séances des ")
    assert " et " in error
