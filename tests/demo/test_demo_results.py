"""After `load_demo_data`, the month's results: the real 2022 edition carries the figure the
press gave (« plus de 350 événements », no number of participants) and a published bilan of
generated declarations, registrations and answers, which both bilan pages say are generated;
the demo's current edition has not happened, so it has no bilan, nor does anyone see one."""

import io

import pytest
from django.core.management import call_command

from events.models import Edition, Event
from registrations.models import Registrant
from results.bilan import MIN_ANSWERS, edition_bilan
from results.models import EventOutcome, SessionAttendance, SurveyAnswer
from tests.factories import UserFactory


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)


def test_the_demo_has_the_2022_headline_figures_and_no_bilan_for_the_current_edition(client, demo):
    past = Edition.objects.get(year=2022)
    assert past.headline_events == 350
    assert past.headline_participants is None  # the article gives none
    assert "350" in past.headline_source
    assert not Edition.objects.filter(year=2018).exists()  # its figure is 2018's alone
    assert not Edition.objects.exclude(year=2022).filter(headline_events__isnull=False).exists()

    current = Edition.objects.get(is_current=True)
    assert current.bilan_published_at is None
    assert current.bilan_closed_at is None
    assert not EventOutcome.objects.filter(event__edition=current).exists()
    assert not SurveyAnswer.objects.filter(registration__session__event__edition=current).exists()
    assert client.get(f"/editions/{current.year}/bilan/").status_code == 404
    assert "/bilan/" not in client.get("/programme/").content.decode()


def test_the_demo_publishes_a_full_2022_bilan_marked_as_generated(client, demo):
    past = Edition.objects.get(year=2022)
    bilan = edition_bilan(edition=past)
    totals = bilan.totals
    # Every outcome shows: held, declared as not having taken place, not declared.
    assert totals.held >= 5 and totals.cancelled == 1 and totals.not_declared == 1
    assert totals.participants > 0 and totals.agents_share is not None
    assert totals.answers >= MIN_ANSWERS and totals.satisfaction_mean is not None
    assert totals.registered > 0
    assert [organization.name for organization in bilan.to_chase]
    # Prefilled from the registrations where there were some.
    assert SessionAttendance.objects.filter(agents_share_source="registrations").exists()
    # The registrants of 2022 are long anonymised, as the nightly purge leaves them.
    assert not Registrant.objects.filter(event__edition=past).exclude(name="", email="").exists()

    edition_page = client.get("/editions/2022/").content.decode()
    assert 'href="/editions/2022/bilan/"' in edition_page
    page = client.get("/editions/2022/bilan/").content.decode()
    assert "générées par l&#x27;application (données fictives)" in page
    assert f"<strong>{totals.held}</strong> tenus" in page
    assert "pas assez de réponses pour la publier" not in page
    assert "En ligne, sans lieu" in page  # the webinars, not « Non renseigné »


def test_the_demos_back_office_bilan_lists_the_organisation_to_chase(client, demo):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    silent = Event.objects.get(
        pk=edition_bilan(edition=Edition.objects.get(year=2022)).to_chase[0].events[0].pk
    )

    page = client.get("/admin/results/eventoutcome/bilan/?edition=2022").content.decode()

    assert silent.organization.name in page and "Relancer" in page
    assert "données fictives" in page
    assert 'href="/editions/2022/bilan/"' in page  # public since its publication
