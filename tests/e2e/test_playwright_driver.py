"""The worker's Playwright driver (conftest.PlaywrightDriver) outlives a browser test, and the
next one still starts from the migrated data: its set-up restores what the previous test
changed or deleted (`serialized_rollback`), through the connections of the driver's "async"
context."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from moisinno.roles import MODERATOR_GROUP
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_browser_test_starts_from_the_migrated_data(page: Page, turn):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The moderators' group of a data migration is there, nobody of a previous turn is.
    assert list(Group.objects.values_list("name", flat=True)) == [MODERATOR_GROUP]
    assert not get_user_model().objects.filter(username__startswith="turn-").exists()
    # What the next turn must not see.
    UserFactory(username=f"turn-{turn}")
    Group.objects.all().delete()
