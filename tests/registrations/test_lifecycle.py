"""Updates and cancellations: a session that moves, an event « Passé en ligne » or
« Reporté », cancelled, a session deleted. Each registrant is told in the transaction of the
change, with the calendar invitation that keeps their calendar right (same UID, SEQUENCE
raised, METHOD:REQUEST or METHOD:CANCEL)."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from events.enums import AttendanceMode, ScheduleStatus
from events.models import EventSession
from events.schedule import event_set_schedule_status
from events.services import event_cancel
from moisinno.models import OutgoingEmail
from registrations import ics, services
from registrations.models import Registration, RegistrationStatus
from registrations.reminders import reminders_send
from tests.factories import EventSessionFactory, MembershipFactory
from tests.registrations.helpers import confirm as confirm_address


def register(event, sessions, index, *, confirm=True):
    registrant = services.registrant_register(
        event=event,
        sessions=sessions,
        name=f"Camille Martin {index}",
        email=f"camille.{index}@example.fr",
        kind="agent",
    )
    if confirm:
        confirm_address(registrant)
    return registrant


def emails(template):
    return list(OutgoingEmail.objects.filter(template=template).order_by("pk"))


def by_address(template):
    return {email.to[0]: email for email in emails(template)}


def entries(email):
    """(METHOD, VEVENT) of each calendar invitation attached to `email`."""
    found = []
    for attachment in email.attachments:
        if attachment.get("subtype") == "calendar":
            calendar = icalendar.Calendar.from_ical(attachment["content"])
            (entry,) = calendar.walk("VEVENT")
            found.append((str(calendar["METHOD"]), entry))
    return found


def confirmation_entry(address):
    (confirmation,) = [e for e in emails("registration_confirmed") if e.to == [address]]
    ((method, entry),) = entries(confirmation)
    assert method == "REQUEST"
    return entry


@pytest.fixture
def member(platform_event):
    return MembershipFactory(organization=platform_event.organization).user


@pytest.fixture
def scene(session, platform_event):
    """Two confirmed, one waiting (2 places), one address never confirmed."""
    EventSession.objects.filter(pk=session.pk).update(capacity=2)
    session.refresh_from_db()
    registrants = [register(platform_event, [session], i) for i in range(3)]
    registrants.append(register(platform_event, [session], 9, confirm=False))
    return registrants


def reschedule(event, user, session, **fields):
    data = {
        "id": session.pk,
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        **fields,
    }
    return event_set_schedule_status(
        event=event,
        user=user,
        schedule_status=ScheduleStatus.RESCHEDULED,
        message="La salle n’est plus libre ce jour-là.",
        sessions=[data],
    )


def test_a_rescheduled_session_updates_each_invitation(scene, session, platform_event, member):
    uid = confirmation_entry("camille.0@example.fr")["UID"]
    new_date = session.date + datetime.timedelta(days=2)

    reschedule(
        platform_event,
        member,
        session,
        date=new_date,
        start_time=datetime.time(14),
        end_time=datetime.time(16),
    )

    updates = by_address("registration_update")
    assert sorted(updates) == [
        "camille.0@example.fr",
        "camille.1@example.fr",
        "camille.2@example.fr",
    ]
    confirmed = updates["camille.0@example.fr"]
    assert confirmed.subject == "Changement pour votre inscription : Atelier « Faire simple »"
    assert "Nouvelle date : " in confirmed.body_text
    assert "de 14\u00a0h à 16\u00a0h (au lieu du " in confirmed.body_text
    ((method, entry),) = entries(confirmed)
    assert method == "REQUEST"
    assert entry["UID"] == uid
    assert entry["SEQUENCE"] == 1
    assert entry.decoded("DTSTART").date() == new_date
    assert entry.decoded("DTSTART").hour == 14
    # The person waiting hears of it, without invitation; the unconfirmed address does not.
    waiting = updates["camille.2@example.fr"]
    assert entries(waiting) == []
    assert "Vous restez en liste d’attente, en position 1." in waiting.body_text
    assert Registration.objects.get(registrant=scene[0]).ics_sequence == 1


def test_a_second_change_raises_the_sequence_again(scene, session, platform_event, member):
    session.venue_name = "Salle du conseil"
    session.save()
    session.refresh_from_db()
    session.start_time, session.end_time = datetime.time(9), datetime.time(11)
    session.save()

    first, second = [e for e in emails("registration_update") if e.to == ["camille.1@example.fr"]]
    assert "Nouveau lieu : Salle du conseil" in first.body_text
    assert [entry["SEQUENCE"] for _, entry in entries(first) + entries(second)] == [1, 2]
    assert entries(first)[0][1]["UID"] == entries(second)[0][1]["UID"]


def test_a_session_moved_online_tells_its_registrants(scene, session):
    session.attendance_mode = AttendanceMode.ONLINE
    session.online_url = "https://webinaire.example.gouv.fr/privee"
    session.save()

    update = by_address("registration_update")["camille.0@example.fr"]
    assert "La séance a désormais lieu en ligne" in update.body_text
    assert "https://webinaire.example.gouv.fr/privee" not in update.body_text
    ((_, entry),) = entries(update)
    assert str(entry["LOCATION"]) == "En ligne"


def test_an_edit_that_changes_nothing_for_registrants_sends_nothing(scene, session):
    session.capacity = 40
    session.online_note = "Salle accessible en fauteuil."
    session.save()

    assert emails("registration_update") == []


def test_passe_en_ligne_updates_the_invitations(scene, session, platform_event, member):
    event_set_schedule_status(
        event=platform_event,
        user=member,
        schedule_status=ScheduleStatus.MOVED_ONLINE,
        message="Grève des transports : rendez-vous en visioconférence.",
    )

    updates = by_address("registration_update")
    assert len(updates) == 3
    update = updates["camille.1@example.fr"]
    assert "Cet événement a désormais lieu en ligne." in update.body_text
    assert "Grève des transports : rendez-vous en visioconférence." in update.body_text
    ((method, entry),) = entries(update)
    assert (method, entry["SEQUENCE"], str(entry["LOCATION"])) == ("REQUEST", 1, "En ligne")
    assert str(entry["SUMMARY"]) == "En ligne\u00a0: Atelier « Faire simple »"


def test_reporte_makes_the_invitation_tentative(scene, platform_event, member):
    event_set_schedule_status(
        event=platform_event,
        user=member,
        schedule_status=ScheduleStatus.POSTPONED,
        message="Nouvelles dates à venir.",
    )

    ((_, entry),) = entries(by_address("registration_update")["camille.0@example.fr"])
    assert str(entry["STATUS"]) == "TENTATIVE"
    # « Complet » changes nothing for those registered.
    OutgoingEmail.objects.all().delete()
    event_set_schedule_status(
        event=platform_event,
        user=member,
        schedule_status=ScheduleStatus.SCHEDULED,
        message="Les dates sont maintenues.",
    )
    assert len(emails("registration_update")) == 3
    event_set_schedule_status(
        event=platform_event,
        user=member,
        schedule_status=ScheduleStatus.FULL,
        message="Complet.",
    )
    assert len(emails("registration_update")) == 3


def test_a_cancelled_event_cancels_every_registration_and_withdraws_the_invitations(
    scene, session, platform_event, member
):
    uid = confirmation_entry("camille.0@example.fr")["UID"]

    event_cancel(event=platform_event, user=member, message="Intempéries annoncées.")

    cancellations = by_address("registration_event_cancelled")
    assert sorted(cancellations) == [
        "camille.0@example.fr",
        "camille.1@example.fr",
        "camille.2@example.fr",
    ]
    cancelled = cancellations["camille.0@example.fr"]
    assert cancelled.subject == "Événement annulé : Atelier « Faire simple »"
    assert "Intempéries annoncées." in cancelled.body_text
    ((method, entry),) = entries(cancelled)
    assert (method, entry["UID"], entry["SEQUENCE"]) == ("CANCEL", uid, 1)
    assert str(entry["STATUS"]) == "CANCELLED"
    assert entries(cancellations["camille.2@example.fr"]) == []  # waiting: no invitation
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (0, 0)
    assert emails("registration_promoted") == []


def test_a_deleted_session_tells_its_registrants(session, platform_event, member):
    other = EventSessionFactory(
        event=platform_event, date=session.date + datetime.timedelta(days=1), capacity=10
    )
    both = register(platform_event, [session, other], 1)
    kept = both.registrations.get(session=session)
    gone_uid = ics.uid(both.registrations.get(session=other))

    reschedule(platform_event, member, session)  # only the first session stays

    (cancelled,) = emails("registration_event_cancelled")
    assert cancelled.subject == "Séance annulée : Atelier « Faire simple »"
    assert "Une séance de « Atelier « Faire simple » » n’aura pas lieu" in cancelled.body_text
    ((method, entry),) = entries(cancelled)
    assert (method, entry["UID"], entry["SEQUENCE"]) == ("CANCEL", gone_uid, 1)
    assert emails("registration_update") == []  # the session kept did not change
    kept.refresh_from_db()
    assert kept.status == RegistrationStatus.CONFIRMED


def test_a_deleted_event_tells_its_registrants_without_a_dead_link(scene, platform_event):
    url = platform_event.get_absolute_url()

    platform_event.delete()

    cancellations = by_address("registration_event_cancelled")
    assert len(cancellations) == 3
    cancelled = cancellations["camille.0@example.fr"]
    assert cancelled.subject == "Événement annulé : Atelier « Faire simple »"
    assert url not in cancelled.body_text + cancelled.body_html
    ((method, entry),) = entries(cancelled)
    assert (method, entry["SEQUENCE"]) == ("CANCEL", 1)
    assert not Registration.objects.exists()


def test_nothing_is_queued_when_the_change_rolls_back(scene, platform_event, member):
    with pytest.raises(RuntimeError), transaction.atomic():
        event_cancel(event=platform_event, user=member, message="Intempéries annoncées.")
        raise RuntimeError

    assert emails("registration_event_cancelled") == []
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_a_new_date_sends_the_reminders_again(scene, session, platform_event, member):
    reminders_send(now=session.starts_at - datetime.timedelta(hours=20))
    assert len(emails("registration_reminder")) == 2
    new_date = session.date + datetime.timedelta(days=7)

    reschedule(platform_event, member, session, date=new_date)
    session.refresh_from_db()
    reminders_send(now=session.starts_at - datetime.timedelta(hours=20))

    assert len(emails("registration_reminder")) == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_registrants_receive_the_cancellation_from_the_worker(platform_event):
    session = platform_event.sessions.get()
    register(platform_event, [session], 1)
    member = MembershipFactory(organization=platform_event.organization).user
    mail.outbox.clear()

    event_cancel(event=platform_event, user=member, message="Intempéries annoncées.")
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    (message,) = [m for m in mail.outbox if m.subject.startswith("Événement annulé")]
    assert message.to == ["camille.1@example.fr"]
    (part,) = [p for p in message.attachments if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert "METHOD:CANCEL" in part.get_content()
