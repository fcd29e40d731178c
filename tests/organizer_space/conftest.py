import pytest
from django.core.cache import cache

from tests.factories import FormatFactory, MembershipFactory, current_edition


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts attempts in the cache: every test starts with fresh counters.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_edition(db):
    """The current edition, with its referencing window open today."""
    return current_edition()


@pytest.fixture
def closed_edition(db):
    """The current edition, its referencing window closed since yesterday."""
    return current_edition(starts_in=5, opens=-60, closes=-1)


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
