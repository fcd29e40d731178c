import datetime

import pytest
from django.db import IntegrityError, transaction

from events.models import Edition, EventSession
from tests.factories import EditionFactory, EventFactory, OrganizationFactory


def test_session_ending_before_it_starts_is_refused(db):
    event = EventFactory(with_session=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        EventSession.objects.create(
            event=event,
            date=event.starts_on,
            start_time=datetime.time(14),
            end_time=datetime.time(9),
        )


def test_session_with_end_but_no_start_is_refused(db):
    event = EventFactory(with_session=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        EventSession.objects.create(event=event, date=event.starts_on, end_time=datetime.time(9))


def test_session_without_times_is_accepted(db):
    event = EventFactory(with_session=False)

    session = EventSession.objects.create(event=event, date=event.starts_on)

    assert session.start_time is None


def test_event_slug_is_unique(db):
    EventFactory(slug="atelier-falc")

    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(slug="atelier-falc")


def test_event_last_day_before_first_day_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(starts_on=datetime.date(2022, 11, 20), ends_on=datetime.date(2022, 11, 10))


def test_event_capacity_must_be_positive(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(capacity=0)


def test_unknown_status_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(status="approved")


def test_edition_ending_before_start_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(
            year=2030, start_date=datetime.date(2030, 11, 30), end_date=datetime.date(2030, 11, 1)
        )


def test_only_one_edition_is_current(db):
    EditionFactory(year=2022, is_current=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(year=2023, is_current=True)
    assert Edition.objects.filter(is_current=True).count() == 1


def test_organization_slug_is_unique(db):
    OrganizationFactory(slug="dgafp")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(slug="dgafp")
