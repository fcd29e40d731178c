import datetime

import pytest

from events.enums import RegistrationMode
from events.models import EventSession
from tests.factories import EditionFactory, EventFactory


@pytest.fixture
def platform_event(db):
    """A published event of a coming edition that takes registrations on the platform, with
    one session of 30 places and a waiting list."""
    edition = EditionFactory(year=datetime.date.today().year + 1)
    event = EventFactory(
        edition=edition,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier « Faire simple »",
    )
    EventSession.objects.filter(event=event).update(capacity=30, waiting_list=True)
    return event


@pytest.fixture
def session(platform_event):
    return platform_event.sessions.get()
