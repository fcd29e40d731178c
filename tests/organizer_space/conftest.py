import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import EditionFactory, FormatFactory, MembershipFactory, open_edition_now


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts attempts in the cache: every test starts with fresh counters.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_edition(db):
    """The current edition, with its referencing window open today."""
    return open_edition_now()


@pytest.fixture
def closed_edition(db):
    """The current edition, its referencing window closed since yesterday."""
    today = timezone.localdate()
    start = today + datetime.timedelta(days=5)
    return EditionFactory(
        year=start.year,
        start_date=start,
        end_date=start + datetime.timedelta(days=28),
        referencing_opens_on=today - datetime.timedelta(days=60),
        referencing_closes_on=today - datetime.timedelta(days=1),
        is_current=True,
    )


@pytest.fixture
def membership(db):
    return MembershipFactory(user__email="agent@bretagne.gouv.fr")


@pytest.fixture
def member(membership):
    return membership.user


@pytest.fixture
def organization(membership):
    return membership.organization


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def atelier(db):
    return FormatFactory(name="Atelier", slug="atelier")
