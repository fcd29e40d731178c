"""Seats are never oversold: double opt-in, the row lock, the waiting list in arrival order,
a cancellation that promotes the first person waiting in its own transaction."""

import threading

import pytest
from django.db import connection, connections

from events.models import EventSession
from moisinno.models import OutgoingEmail
from registrations import services
from registrations.models import Registrant, Registration, RegistrationStatus
from tests.factories import MembershipFactory, UserFactory


def register(event, sessions, index, **kwargs):
    return services.registrant_register(
        event=event,
        sessions=sessions,
        name=f"Camille Martin {index}",
        email=f"camille.{index}@example.fr",
        kind="agent",
        **kwargs,
    )


def test_an_unconfirmed_address_holds_no_seat(session, platform_event):
    registrant = register(platform_event, [session], 1)
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert registrant.registrations.get().status == RegistrationStatus.PENDING

    services.registrant_confirm(registrant=registrant)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert registrant.registrations.get().status == RegistrationStatus.CONFIRMED


def test_a_full_session_puts_the_next_ones_on_its_waiting_list_in_order(session, platform_event):
    EventSession.objects.filter(pk=session.pk).update(capacity=2)
    registrants = [register(platform_event, [session], index) for index in range(4)]
    for registrant in registrants:
        services.registrant_confirm(registrant=registrant)
    statuses = [r.registrations.get().status for r in registrants]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (2, 2)


def test_a_cancellation_promotes_the_first_waiting_and_tells_them(
    session, platform_event, django_capture_on_commit_callbacks
):
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    first, second, third = (register(platform_event, [session], i) for i in range(3))
    for registrant in (first, second, third):
        services.registrant_confirm(registrant=registrant)
    OutgoingEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=first.registrations.get())
    assert [r.registrant_id for r in promoted] == [second.pk]
    assert second.registrations.get().status == RegistrationStatus.CONFIRMED
    assert third.registrations.get().status == RegistrationStatus.WAITING
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (1, 1)
    subjects = {email.to[0]: email.subject for email in OutgoingEmail.objects.all()}
    assert subjects == {
        "camille.1@example.fr": "Une place s’est libérée : Atelier « Faire simple »",
        "camille.0@example.fr": "Inscription annulée : Atelier « Faire simple »",
    }


def test_a_session_without_waiting_list_refuses_when_full(session, platform_event):
    EventSession.objects.filter(pk=session.pk).update(capacity=1, waiting_list=False)
    first, second = (register(platform_event, [session], i) for i in range(2))
    services.registrant_confirm(registrant=first)
    services.registrant_confirm(registrant=second)
    assert second.registrations.get().status == RegistrationStatus.REFUSED


def test_confirming_twice_changes_nothing(session, platform_event):
    registrant = register(platform_event, [session], 1)
    services.registrant_confirm(registrant=registrant)
    services.registrant_confirm(registrant=registrant)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_the_same_address_gets_one_seat_per_session(session, platform_event):
    first = register(platform_event, [session], 1)
    again = register(platform_event, [session], 1)
    services.registrant_confirm(registrant=first)
    services.registrant_confirm(registrant=again)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert again.registrations.get().status == RegistrationStatus.CANCELLED


def test_more_places_promote_those_waiting(
    session, platform_event, django_capture_on_commit_callbacks
):
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    registrants = [register(platform_event, [session], i) for i in range(3)]
    for registrant in registrants:
        services.registrant_confirm(registrant=registrant)
    session.refresh_from_db()
    session.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        session.save()
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (2, 1)
    assert registrants[1].registrations.get().status == RegistrationStatus.CONFIRMED


def test_saving_a_session_never_puts_back_an_older_count(session, platform_event):
    stale = EventSession.objects.get(pk=session.pk)
    services.registrant_confirm(registrant=register(platform_event, [session], 1))
    stale.venue_name = "Salle Jean Moulin"
    stale.save()
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_erasing_keeps_the_counts_but_no_personal_datum(session, platform_event):
    registrant = register(
        platform_event,
        [session],
        1,
        organization_name="Préfecture d'Ille-et-Vilaine",
        accessibility_needs="Boucle magnétique",
        accessibility_consent=True,
    )
    services.registrant_confirm(registrant=registrant)
    services.registrant_erase(registrant=registrant)
    registrant.refresh_from_db()
    assert (registrant.name, registrant.email, registrant.organization_name) == ("", "", "")
    assert registrant.accessibility_needs == ""
    assert registrant.registrations.get().status == RegistrationStatus.CANCELLED


def test_only_members_of_the_organising_organisation_check_in(session, platform_event):
    registrant = register(platform_event, [session], 1)
    services.registrant_confirm(registrant=registrant)
    registration = registrant.registrations.get()
    with pytest.raises(services.NotAllowed):
        services.registration_check_in(registration=registration, user=UserFactory())
    member = MembershipFactory(organization=platform_event.organization).user
    services.registration_check_in(registration=registration, user=member)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_confirmations_for_30_seats(platform_event):
    """Exactly 30 seats and 170 in the waiting list, in arrival order, no error, nothing lost."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    session = platform_event.sessions.get()
    registrants = [register(platform_event, [session], index) for index in range(200)]
    barrier = threading.Barrier(20)
    errors = []

    def confirm(batch):
        try:
            barrier.wait()
            for registrant in batch:
                services.registrant_confirm(registrant=registrant)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=(registrants[index::20],)) for index in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = list(Registration.objects.filter(session=session).order_by("rank"))
    assert len(rows) == 200
    assert [row.status for row in rows].count(RegistrationStatus.CONFIRMED) == 30
    assert [row.status for row in rows].count(RegistrationStatus.WAITING) == 170
    # Arrival order: the first 30 ranks hold the seats, the others wait in rank order.
    assert all(row.status == RegistrationStatus.CONFIRMED for row in rows[:30])
    assert sorted(row.rank for row in rows) == list(range(1, 201))
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (30, 170)
    assert Registrant.objects.filter(confirmed_at__isnull=True).count() == 0
