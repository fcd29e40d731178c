"""The bilan's figures against hand-computed ones (see the `bilan_edition` fixture)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus
from results.bilan import (
    LAB_NO,
    LAB_YES,
    MIN_ANSWERS,
    ONLINE_NOWHERE,
    edition_bilan,
    editions_side_by_side,
)
from tests.factories import EditionFactory, EventFactory

from .conftest import TODAY, answer, declare


def rows(breakdown):
    return {row.label: row.figures for row in breakdown.rows}


def test_the_editions_totals(bilan_edition):
    bilan = edition_bilan(edition=bilan_edition, today=TODAY)
    totals = bilan.totals
    assert (totals.planned, totals.held, totals.cancelled, totals.not_declared) == (6, 2, 2, 1)
    assert totals.participants == 20 + 10 + 40
    # Weighted by the participants of the declarations that gave a share: (20×50 + 40×100) / 60.
    assert totals.agents_share == 83
    # A, B, D, E are known; C is due and missing; G is not over.
    assert totals.declaration_rate == 80
    # 5 + 3 confirmed registrations; the cancelled one does not count.
    assert totals.registered == 8
    assert totals.answers == 8
    assert totals.satisfaction_mean == round((5 + 4 + 4 + 3 + 5 + 2 + 2 + 2) / 8, 1) == 3.4
    assert totals.recommend_share == round(100 * 6 / 7)
    assert totals.reuse_share == round(100 * 7 / 8)


def test_by_region_and_by_format(bilan_edition):
    bilan = edition_bilan(edition=bilan_edition, today=TODAY)
    regions = rows(bilan.by_region)
    assert list(regions) == ["Bretagne", "Île-de-France"]
    bretagne, idf = regions["Bretagne"], regions["Île-de-France"]
    assert (bretagne.planned, bretagne.held, bretagne.cancelled, bretagne.not_declared) == (
        4,
        1,
        1,
        1,
    )
    assert bretagne.participants == 30 and bretagne.agents_share == 50
    assert (idf.planned, idf.held, idf.cancelled, idf.participants, idf.agents_share) == (
        2,
        1,
        1,
        40,
        100,
    )
    formats = rows(bilan.by_format)
    assert formats["Atelier"].planned == 4 and formats["Atelier"].participants == 30
    assert formats["Conférence"].planned == 2 and formats["Conférence"].participants == 40
    departments = rows(bilan.by_department)
    assert departments["35 — Ille-et-Vilaine"].planned == 3
    assert departments["29 — Finistère"].not_declared == 1
    themes = rows(bilan.by_theme)
    assert themes["Numérique"].participants == 30 and themes["Écologie"].participants == 40
    assert themes["Non renseigné"].planned == 4
    labs = rows(bilan.by_lab)
    assert labs[LAB_YES].planned == 1 and labs[LAB_NO].planned == 5
    assert bilan.lab_share == 17
    modes = rows(bilan.by_attendance_mode)
    assert modes["En ligne"].participants == 40 and modes["En présentiel"].planned == 5
    kinds = rows(bilan.by_organization_kind)
    assert kinds["État — services déconcentrés"].planned == 6


def test_fewer_than_five_answers_reveal_nothing(bilan_edition):
    bilan = edition_bilan(edition=bilan_edition, today=TODAY)
    idf = rows(bilan.by_region)["Île-de-France"]
    assert idf.answers == 3 < MIN_ANSWERS
    assert (idf.satisfaction_mean, idf.recommend_share, idf.reuse_share) == (None, None, None)
    bretagne = rows(bilan.by_region)["Bretagne"]
    assert bretagne.satisfaction_mean == 4.2
    assert bretagne.recommend_share == 75  # 3 yes out of 4 who answered the question
    assert bretagne.reuse_share == 80


def test_the_organisations_to_chase(bilan_edition):
    bilan = edition_bilan(edition=bilan_edition, today=TODAY)
    assert [(o.name, [e.title for e in o.events]) for o in bilan.to_chase] == [
        ("Ville de Brest", ["C"])
    ]
    # Before its last day is over, an event is not due.
    early = edition_bilan(edition=bilan_edition, today=datetime.date(2025, 11, 10))
    assert early.to_chase == [] and early.totals.not_declared == 0


def test_a_relay_sees_only_its_regions(bilan_edition):
    bilan = edition_bilan(edition=bilan_edition, regions={"11"}, today=TODAY)
    assert bilan.totals.planned == 2 and bilan.totals.participants == 40
    assert list(rows(bilan.by_region)) == ["Île-de-France"]
    assert bilan.to_chase == []
    # National headline figures are never shown in a regional view.
    assert all(not figures.headline for figures in bilan.past)


def test_year_over_year(bilan_edition):
    previous = EditionFactory(year=2024, is_current=False)
    for present in (10, 15):
        event = EventFactory(edition=previous, published=True)
        declare(event.sessions.get(), present=present)
    EventFactory(edition=previous, status=EventStatus.REJECTED)
    EditionFactory(year=2018, is_current=False, headline_events=300, headline_participants=25000)
    EditionFactory(year=2019, is_current=False)
    past = {f.year: f for f in edition_bilan(edition=bilan_edition, today=TODAY).past}
    assert list(past) == [2025, 2024, 2019, 2018]
    assert (past[2025].planned, past[2025].held, past[2025].participants) == (6, 2, 70)
    assert past[2025].satisfaction_mean == 3.4 and not past[2025].headline
    assert (past[2024].planned, past[2024].held, past[2024].participants) == (2, 2, 25)
    assert past[2024].satisfaction_mean is None
    assert past[2018].headline and (past[2018].planned, past[2018].participants) == (300, 25000)
    assert (past[2019].planned, past[2019].participants, past[2019].headline) == (
        None,
        None,
        False,
    )
    # The 2024 bilan does not show 2025.
    assert [f.year for f in editions_side_by_side(until=2024)] == [2024, 2019, 2018]


def _build(edition, count):
    for index in range(count):
        event = EventFactory(edition=edition, published=True, region="53" if index % 2 else "11")
        session = event.sessions.get()
        if index % 3:
            declare(session, present=index, agents=50)
        if index % 10 == 0:
            answer(session, 4, True, True)


def _queries(edition):
    with CaptureQueriesContext(connection) as context:
        bilan = edition_bilan(edition=edition, today=TODAY)
    return len(context), bilan


@pytest.mark.django_db
def test_a_constant_number_of_queries():
    small = EditionFactory(year=2030, is_current=False)
    large = EditionFactory(year=2031, is_current=False)
    _build(small, 10)
    _build(large, 100)
    small_count, small_bilan = _queries(small)
    large_count, large_bilan = _queries(large)
    assert small_bilan.totals.planned == 10 and large_bilan.totals.planned == 100
    assert large_bilan.totals.participants == sum(i for i in range(100) if i % 3)
    assert small_count == large_count <= 12


def test_an_online_event_without_a_place_is_online_not_unknown(db):
    """An online event has no region nor department by nature: its row says « En ligne, sans
    lieu »; « Non renseigné » stays for an in-person event whose place is not given."""
    edition = EditionFactory(year=2024)
    day = datetime.date(2024, 11, 12)
    common = {"edition": edition, "starts_on": day, "ends_on": day, "published": True}
    webinar = EventFactory(**common, online=True, region="", department="")
    declare(webinar.sessions.get(), online=120)
    workshop = EventFactory(**common, region="", department="")
    declare(workshop.sessions.get(), present=15)

    bilan = edition_bilan(edition=edition, today=datetime.date(2024, 12, 15))

    regions = rows(bilan.by_region)
    assert regions[ONLINE_NOWHERE].participants == 120
    assert regions["Non renseigné"].participants == 15
    departments = rows(bilan.by_department)
    assert departments[ONLINE_NOWHERE].planned == departments["Non renseigné"].planned == 1
