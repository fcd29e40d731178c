"""Organisers declare who came (results/attendance.py, organizer_space/views/attendance.py)
and are asked to, by e-mail (results/requests.py)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import AttendanceMode, RegistrationMode
from events.models import EventSession
from registrations.models import Registrant, RegistrantKind, Registration, RegistrationStatus
from results.attendance import (
    AttendanceError,
    SessionFigures,
    attendance_declare,
    attendance_prefill,
)
from results.models import AgentsShareSource, EventOutcome, SessionAttendance
from results.requests import attendance_remind, attendance_requests_send
from tests.factories import EventFactory, EventSessionFactory, MembershipFactory, UserFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Paris in winter, for readable moments


def _page(response) -> str:
    return " ".join(response.content.decode().split()).replace("\u00a0", " ")


def _register(session, *, kind: str, checked_in: bool = False, n: int = 1) -> None:
    """`n` confirmed registrations (direct rows: the session is over, registration closed)."""
    for _ in range(n):
        registrant = Registrant.objects.create(
            event=session.event,
            name="Camille Martin",
            email="camille@example.fr",
            kind=kind,
            confirmed_at=timezone.now(),
        )
        Registration.objects.create(
            registrant=registrant,
            session=session,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=timezone.now(),
            checked_in_at=timezone.now() if checked_in else None,
        )


@pytest.fixture
def over(organizer, event_of):
    """A published event of the organiser's (2022 edition), its one session in person over."""
    return event_of(organizer, published=True, title="Atelier « Faire simple »")


def _post_data(session, **fields) -> dict:
    prefix = f"s{session.pk}"
    data = {f"{prefix}-took_place": "oui", "what_worked": ""}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


# The prefill.


def test_prefill_counts_check_ins_and_the_share_of_agents_among_them(over):
    over.registration_mode = RegistrationMode.PLATFORM
    over.save()
    session = over.sessions.get()
    _register(session, kind=RegistrantKind.AGENT, checked_in=True, n=3)
    _register(session, kind=RegistrantKind.PRIVATE, checked_in=True, n=1)
    _register(session, kind=RegistrantKind.PRIVATE, n=5)  # registered, did not come

    prefill = attendance_prefill(over)

    assert prefill == {
        session.pk: SessionFigures(
            present_in_person=4,
            online_peak=None,
            agents_share=75,
            agents_share_source=AgentsShareSource.REGISTRATIONS,
        )
    }


def test_prefill_of_an_online_session_starts_from_its_confirmed_registrations(over):
    over.registration_mode = RegistrationMode.PLATFORM
    over.save()
    online = EventSessionFactory(
        event=over, attendance_mode=AttendanceMode.ONLINE, department="", city=""
    )
    _register(online, kind=RegistrantKind.AGENT, n=1)
    _register(online, kind=RegistrantKind.PRIVATE, n=3)

    prefill = attendance_prefill(over)

    assert prefill[online.pk].online_peak == 4
    assert prefill[online.pk].agents_share == 25
    assert over.sessions.get(attendance_mode=AttendanceMode.IN_PERSON).pk not in prefill


def test_no_prefill_for_an_event_that_registers_elsewhere(over):
    _register(over.sessions.get(), kind=RegistrantKind.AGENT, checked_in=True)

    assert attendance_prefill(over) == {}


# The rules.


def test_declare_records_each_session_and_the_sentence(over, organizer):
    session = over.sessions.get()

    attendance_declare(
        event=over,
        user=organizer,
        sessions_data={session.pk: SessionFigures(present_in_person=30, agents_share=50)},
        what_worked="  Les usagers   à la table. ",
    )

    attendance = SessionAttendance.objects.get(session=session)
    assert (attendance.present_in_person, attendance.agents_share) == (30, 50)
    assert attendance.declared_by == organizer
    outcome = EventOutcome.objects.get(event=over)
    assert outcome.what_worked == "Les usagers à la table."
    assert outcome.declared_at is not None


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (SessionFigures(present_in_person=-1), "négatif"),
        (SessionFigures(present_in_person=3, agents_share=101), "de 0 à 100 %"),
        (SessionFigures(), "indiquez le nombre de personnes venues"),
    ],
)
def test_declare_refuses_bad_figures(over, organizer, figures, message):
    session = over.sessions.get()

    with pytest.raises(AttendanceError, match=message):
        attendance_declare(event=over, user=organizer, sessions_data={session.pk: figures})

    assert not SessionAttendance.objects.exists()


def test_a_session_that_did_not_take_place_needs_no_figure(over, organizer):
    session = over.sessions.get()

    attendance_declare(
        event=over, user=organizer, sessions_data={session.pk: SessionFigures(took_place=False)}
    )

    assert SessionAttendance.objects.get(session=session).participants == 0


def test_declare_refused_to_another_organisation_before_the_end_and_once_closed(
    over, organizer, edition
):
    session = over.sessions.get()
    data = {session.pk: SessionFigures(present_in_person=3)}
    stranger = MembershipFactory().user
    with pytest.raises(AttendanceError, match="membres de l’organisation"):
        attendance_declare(event=over, user=stranger, sessions_data=data)

    before = session.starts_at - datetime.timedelta(hours=1)
    with pytest.raises(AttendanceError, match="dernière séance terminée"):
        attendance_declare(event=over, user=organizer, sessions_data=data, now=before)

    edition.bilan_closed_at = timezone.now() - datetime.timedelta(days=1)
    edition.save()
    with pytest.raises(AttendanceError, match="bilan de l’édition est clos"):
        attendance_declare(event=over, user=organizer, sessions_data=data)
    assert not SessionAttendance.objects.exists()


# The page.


def test_page_prefills_then_records_the_declaration(client, over, organizer):
    over.registration_mode = RegistrationMode.PLATFORM
    over.save()
    session = over.sessions.get()
    _register(session, kind=RegistrantKind.AGENT, checked_in=True, n=2)
    client.force_login(organizer)
    url = f"/espace-organisateur/evenements/{over.pk}/participation/"

    page = client.get(url)

    assert page.status_code == 200
    assert f'name="s{session.pk}-present_in_person" value="2"' in page.content.decode()
    assert "Connexions en ligne" not in _page(page)  # an in-person session
    assert "Part d’agents publics (%)" in _page(page)

    response = client.post(
        url,
        _post_data(session, present_in_person="12", agents_share="40")
        | {"what_worked": "Le café."},
    )

    assert response.status_code == 302
    attendance = SessionAttendance.objects.get(session=session)
    assert attendance.present_in_person == 12
    assert attendance.agents_share_source == AgentsShareSource.ESTIMATE
    assert EventOutcome.objects.get(event=over).what_worked == "Le café."
    # Editable again: the page shows what was declared.
    assert 'value="12"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"present_in_person": "-4"}, "Indiquez un nombre positif ou nul."),
        ({"present_in_person": "10", "agents_share": "140"}, "Une part va de 0 à 100 %."),
        ({}, "La séance a eu lieu : indiquez combien de personnes sont venues"),
        ({"present_in_person": "beaucoup"}, "Indiquez un nombre entier"),
    ],
)
def test_page_reports_errors_in_french_and_keeps_what_was_typed(
    client, over, organizer, fields, message
):
    session = over.sessions.get()
    client.force_login(organizer)

    response = client.post(
        f"/espace-organisateur/evenements/{over.pk}/participation/",
        _post_data(session, **fields) | {"what_worked": "Une phrase saisie avec soin."},
    )

    assert response.status_code == 200
    assert message in _page(response)
    assert "Une phrase saisie avec soin." in _page(response)
    assert not SessionAttendance.objects.exists()


def test_page_of_another_organisations_event_is_a_404(client, over):
    client.force_login(MembershipFactory().user)

    response = client.get(f"/espace-organisateur/evenements/{over.pk}/participation/")

    assert response.status_code == 404


def test_page_once_the_bilan_is_closed_says_so_and_records_nothing(
    client, over, organizer, edition
):
    edition.bilan_closed_at = timezone.now() - datetime.timedelta(days=1)
    edition.save()
    session = over.sessions.get()
    client.force_login(organizer)
    url = f"/espace-organisateur/evenements/{over.pk}/participation/"

    assert "Le bilan de l’édition est clos" in _page(client.get(url))
    client.post(url, _post_data(session, present_in_person="3"))

    assert not SessionAttendance.objects.exists()


# The dashboard's task.


def test_dashboard_lists_the_events_to_declare_in_constant_queries(client, organizer, event_of):
    client.force_login(organizer)
    event_of(organizer, published=True, title="Premier atelier")
    client.get("/espace-organisateur/")  # warm the caches (session, edition)
    with CaptureQueriesContext(connection) as one:
        page = client.get("/espace-organisateur/")
    assert "Déclarez la participation (1)" in _page(page)
    assert "Premier atelier" in _page(page)

    for n in range(4):
        event = event_of(organizer, published=True, title=f"Atelier {n}")
        EventSessionFactory(event=event)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/espace-organisateur/")

    assert "Déclarez la participation (5)" in _page(page)
    assert len(many) == len(one)


def test_dashboard_task_leaves_out_declared_and_future_events(client, organizer, event_of, over):
    declared = event_of(organizer, published=True, title="Déjà déclaré")
    EventOutcome.objects.create(event=declared, declared_at=timezone.now())
    coming = event_of(organizer, published=True, title="À venir")
    EventSession.objects.filter(event=coming).update(
        date=timezone.localdate() + datetime.timedelta(days=2)
    )
    coming.ends_on = timezone.localdate() + datetime.timedelta(days=2)
    coming.save()
    client.force_login(organizer)

    page = _page(client.get("/espace-organisateur/"))

    assert "Déclarez la participation (1)" in page
    assert "Atelier « Faire simple »" in page


# The requests by e-mail.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_on_day_1_3_and_10_then_never_again():
    membership = MembershipFactory(user=UserFactory(email="orga@example.fr"))
    event = EventFactory(organization=membership.organization, published=True)
    last_day = event.sessions.get().date
    EventOutcome.objects.filter(event=event).delete()

    def run(days: int, hour: int = 10) -> list:
        mail.outbox.clear()
        day = last_day + datetime.timedelta(days=days)
        now = datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)
        attendance_requests_send(now=now)
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        return list(mail.outbox)

    assert run(0, hour=20) == []  # the evening of the last session: not yet
    first = run(1)
    assert [m.to for m in first] == [["orga@example.fr"]]
    assert "Combien de personnes sont venues" in first[0].body
    assert f"/espace-organisateur/evenements/{event.pk}/participation/" in first[0].body
    assert run(1, hour=11) == []  # a rerun sends nothing
    assert run(2) == []
    day3 = run(3)
    assert len(day3) == 1 and day3[0].subject.startswith("Rappel")
    assert run(9) == []
    assert len(run(10)) == 1
    assert run(11) == [] and run(20) == []
    outcome = EventOutcome.objects.get(event=event)
    assert outcome.requested_at and outcome.reminded_day3_at and outcome.reminded_day10_at


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_reminder_once_declared_and_the_ditp_reminds_in_one_click():
    membership = MembershipFactory(user=UserFactory(email="orga@example.fr"))
    declared = EventFactory(organization=membership.organization, published=True)
    waiting = EventFactory(organization=membership.organization, published=True)
    last_day = declared.sessions.get().date
    day1 = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(10), tzinfo=PARIS
    )
    attendance_requests_send(now=day1)
    attendance_declare(
        event=declared,
        user=membership.user,
        sessions_data={declared.sessions.get().pk: SessionFigures(present_in_person=8)},
        now=day1,
    )

    run = attendance_requests_send(now=day1 + datetime.timedelta(days=2))
    attendance_remind(waiting, now=day1 + datetime.timedelta(days=5))
    mail.outbox.clear()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    assert run.sent["reminded_day3_at"] == 1  # only the undeclared one
    assert EventOutcome.objects.get(event=declared).reminded_day3_at is None
    with pytest.raises(AttendanceError, match="déjà déclarée"):
        attendance_remind(declared)
    assert len(mail.outbox) == 4  # two requests, a day-3 reminder, the DITP's reminder
    assert EventOutcome.objects.get(event=waiting).reminded_day10_at is not None


def test_command_reports_what_it_queued(db):
    out = io.StringIO()

    call_command("send_attendance_requests", stdout=out)

    assert "request(s)" in out.getvalue()
