"""After `load_demo_data`, the month's results: the real 2022 edition carries the figure the
press gave (« plus de 350 événements », no number of participants); the demo's current
edition has not happened, so it has no bilan, nor does anyone see one."""

import io

from django.core.management import call_command

from events.models import Edition
from results.models import EventOutcome, SurveyAnswer


def test_the_demo_has_the_2022_headline_figures_and_no_bilan_for_the_current_edition(client, db):
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)

    past = Edition.objects.get(year=2022)
    assert past.headline_events == 350
    assert past.headline_participants is None  # the article gives none
    assert "350" in past.headline_source
    assert not Edition.objects.filter(year=2018).exists()  # its figure is 2018's alone
    assert not Edition.objects.exclude(year=2022).filter(headline_events__isnull=False).exists()

    current = Edition.objects.get(is_current=True)
    assert current.bilan_published_at is None
    assert current.bilan_closed_at is None
    assert not EventOutcome.objects.exists()
    assert not SurveyAnswer.objects.exists()
    assert client.get(f"/editions/{current.year}/bilan/").status_code == 404
    assert client.get("/editions/2022/bilan/").status_code == 404  # no bilan published
