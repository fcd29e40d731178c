import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Edition
from tests.e2e.axe import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIXTURES = [
    Path(settings.BASE_DIR) / "fixtures" / name for name in ("reference.json", "demo_2022.json")
]


def _load_demo_data() -> None:
    """The real 2022 programme when its fixtures exist, else just the 2022 edition."""
    if all(fixture.exists() for fixture in FIXTURES):
        call_command("loaddata", *FIXTURES, verbosity=0)
        return
    Edition.objects.create(
        year=2022,
        number=9,
        theme="Co-production",
        start_date=datetime.date(2022, 11, 2),
        end_date=datetime.date(2022, 11, 30),
        referencing_closes_on=datetime.date(2022, 10, 29),
        is_current=True,
    )


def _plain(text: str) -> str:
    """Typographic apostrophes (l’innovation) compared as plain ones."""
    return " ".join(text.replace("\u2019", "'").split())


def test_home_shows_current_edition_without_axe_violations(page):
    _load_demo_data()

    response = page.goto("/")

    assert response is not None and response.status == 200
    assert "Mois de l'innovation publique" in _plain(page.title())
    heading = _plain(page.locator("h1").inner_text())
    assert "Mois de l'innovation publique" in heading
    assert "2022" in heading
    assert_no_axe_violations(page)
