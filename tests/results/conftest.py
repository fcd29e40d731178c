import datetime
import itertools

import pytest
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus
from events.models import EventSession
from registrations.models import Registrant, Registration, RegistrationStatus
from results.models import SessionAttendance, SurveyAnswer
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
)

# The day the figures are read: the 2025 edition (November) is over.
TODAY = datetime.date(2025, 12, 15)
_numbers = itertools.count(1)


def declare(session, *, took_place=True, present=None, online=None, agents=None):
    return SessionAttendance.objects.create(
        session=session,
        took_place=took_place,
        present_in_person=present,
        online_peak=online,
        agents_share=agents,
    )


def answer(session, overall, recommend=None, reuse=None, *, comment=""):
    n = next(_numbers)
    registrant = Registrant.objects.create(
        event=session.event,
        name=f"Camille Dupont {n}",
        email=f"camille{n}@example.org",
        kind="agent",
        confirmed_at=timezone.now(),
    )
    registration = Registration.objects.create(
        registrant=registrant, session=session, status=RegistrationStatus.CONFIRMED
    )
    return SurveyAnswer.objects.create(
        registration=registration,
        sent_at=timezone.now(),
        answered_at=timezone.now(),
        overall=overall,
        would_recommend=recommend,
        will_reuse_method=reuse,
        comment=comment,
    )


@pytest.fixture
def bilan_edition(db):
    """The 2025 edition, by hand (figures in test_bilan.py):

    A Bretagne 35 Atelier, lab, theme Numérique: held, sessions 20 (50 % agents) + 10 (share
      not given); 5 answers 5,4,4,3,5; recommend T,T,T,F,-; reuse T,F,T,T,T; 1 cancelled
      registration.
    B Île-de-France 75 Conférence, online, theme Écologie: held, 40 online, 100 % agents;
      3 answers 2,2,2.
    C Bretagne 29 Atelier, « Ville de Brest »: over, not declared.
    D Île-de-France 75 Conférence: « Annulé » by the workflow.
    E Bretagne 35 Atelier: declared as not having taken place.
    G Bretagne 35 Atelier: ends after TODAY, coming.
    F a draft: not counted.
    """
    edition = EditionFactory(year=2025, is_current=True, headline_events=999)
    atelier = FormatFactory(name="Atelier", slug="atelier")
    conference = FormatFactory(name="Conférence", slug="conference")
    numerique = ThemeFactory(name="Numérique", slug="numerique")
    ecologie = ThemeFactory(name="Écologie", slug="ecologie")
    day = datetime.date(2025, 11, 10)
    common = {"edition": edition, "starts_on": day, "ends_on": day}
    a = EventFactory(**common, published=True, format=atelier, title="A")
    a.labs.add(LabFactory())
    a.themes.add(numerique)
    session_a = a.sessions.get()
    declare(session_a, present=20, agents=50)
    other = EventSession.objects.create(
        event=a, date=day + datetime.timedelta(days=1), attendance_mode=AttendanceMode.IN_PERSON
    )
    declare(other, present=10)
    for overall, recommend, reuse in [
        (5, True, True),
        (4, True, False),
        (4, True, True),
        (3, False, True),
        (5, None, True),
    ]:
        answer(session_a, overall, recommend, reuse, comment="Commentaire très personnel")
    cancelled = answer(session_a, 1).registration
    cancelled.status = RegistrationStatus.CANCELLED
    cancelled.save()
    cancelled.survey.delete()

    b = EventFactory(
        **common,
        published=True,
        online=True,
        format=conference,
        title="B",
        department="75",
        region="11",
    )
    b.themes.add(ecologie)
    declare(b.sessions.get(), online=40, agents=100)
    for _ in range(3):
        answer(b.sessions.get(), 2, True, True)

    brest = OrganizationFactory(name="Ville de Brest")
    EventFactory(
        **common, published=True, format=atelier, department="29", organization=brest, title="C"
    )
    EventFactory(
        **common,
        status=EventStatus.CANCELLED,
        format=conference,
        department="75",
        region="11",
        title="D",
    )
    e = EventFactory(**common, published=True, format=atelier, title="E")
    declare(e.sessions.get(), took_place=False)
    # Not over, whether read on TODAY or on the real day (the admin pages).
    late = timezone.localdate() + datetime.timedelta(days=30)
    EventFactory(
        edition=edition, starts_on=late, ends_on=late, published=True, format=atelier, title="G"
    )
    EventFactory(**common, format=atelier, title="F")
    return edition
