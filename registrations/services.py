"""On-platform registration: register (double opt-in), confirm, cancel, promote, check in,
erase. Every seat is taken or given back under the session's row lock (`_locked_session`),
and the counts on the session (`seats_taken`, `waiting_count`) are recounted in the same
transaction: a session is never oversold, and a cancellation promotes the first person
waiting in the transaction that frees the seat.

The e-mails are queued in the transaction of the change (`registrations.emails`); the pages
that show the seats left are told once the change is committed (`_counts_changed`).
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from events import states
from events.enums import RegistrationMode
from events.models import Event, EventSession, event_page_tags
from moisinno.pagecache import event_tag, public_counts_changed
from organizers.selectors import user_is_active_member

from . import emails, tasks
from .availability import event_availability
from .models import Registrant, RegistrantKind, Registration, RegistrationStatus

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class RegistrationError(Exception):
    """A request that cannot be accepted; the message is shown to the visitor (French)."""


class NotAllowed(RegistrationError):
    """An organiser action by someone who is not a member of the organising organisation."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


# Who may register, and for what -------------------------------------------------------------


def event_takes_registrations(event: Event) -> bool:
    return (
        event.registration_mode == RegistrationMode.PLATFORM
        and states.is_published(event)
        and not event.is_cancelled
    )


def session_is_open(session: EventSession, now: datetime.datetime | None = None) -> bool:
    """Registration is possible: before its deadline, and not full without a waiting list."""
    now = now or timezone.now()
    if now >= session.registration_deadline:
        return False
    return session.seats_left != 0 or session.waiting_list


# Writes -------------------------------------------------------------------------------------


def registrant_register(
    *,
    event: Event,
    sessions: Iterable[EventSession],
    name: str,
    email: str,
    kind: str,
    organization_name: str = "",
    accessibility_needs: str = "",
    accessibility_consent: bool = False,
    now: datetime.datetime | None = None,
) -> Registrant:
    """Record a request for one or several sessions of `event` and queue the e-mail that
    confirms the address. No seat is held until then (a typo or a bot holds nothing).

    Raises RegistrationError when the event does not take registrations here, or when a
    session is not one of its sessions or is closed. Whether the address is already
    registered, the answer is the same: the e-mail says so (no enumeration)."""
    now = now or timezone.now()
    sessions = list(sessions)
    if not event_takes_registrations(event):
        raise RegistrationError("Cet événement ne prend pas d’inscriptions sur la plateforme.")
    if not sessions:
        raise RegistrationError("Choisissez au moins une séance.")
    for session in sessions:
        if session.event_id != event.pk:
            raise RegistrationError("Cette séance n’appartient pas à cet événement.")
        if not session_is_open(session, now):
            raise RegistrationError(
                f"Les inscriptions à la séance du {session.date:%d/%m/%Y} sont closes."
            )
    if kind not in RegistrantKind.values:
        raise RegistrationError("Indiquez si vous êtes agent public ou particulier.")
    needs = accessibility_needs.strip() if accessibility_consent else ""
    with transaction.atomic():
        registrant = Registrant.objects.create(
            event=event,
            name=" ".join(name.split()),
            email=normalize_email(email),
            kind=kind,
            organization_name=organization_name.strip(),
            accessibility_needs=needs,
            accessibility_consent=bool(needs),
        )
        Registration.objects.bulk_create(
            Registration(registrant=registrant, session=session)
            for session in sorted(sessions, key=lambda s: s.pk)
        )
        emails.queue_confirm_address(registrant)
    return registrant


def _locked_session(session_id: int) -> EventSession:
    """The session's row, locked (not its event's: `of`), with its event."""
    return (
        EventSession.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=session_id)
    )


def _recount(session: EventSession) -> EventSession:
    """Write the session's counts from its rows (under its lock, in the transaction)."""
    counts = Registration.objects.filter(session=session).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    card = _card_label(session.event_id)
    session.seats_taken = counts["confirmed"]
    session.waiting_count = counts["waiting"]
    EventSession.objects.filter(pk=session.pk).update(
        seats_taken=session.seats_taken,
        waiting_count=session.waiting_count,
        registration_rank=session.registration_rank,
    )
    _counts_changed(session.event_id, lists=_card_label(session.event_id) != card)
    return session


def _card_label(event_id: int) -> str:
    """What the event's card says of its seats (« Places disponibles », « 3 places
    restantes », « Complet »…)."""
    sessions = list(
        EventSession.objects.filter(event_id=event_id).only(
            "date",
            "start_time",
            "capacity",
            "waiting_list",
            "registration_closes_at",
            "seats_taken",
            "waiting_count",
        )
    )
    availability = event_availability(sessions)
    return availability.card_label if availability else ""


def _counts_changed(event_id: int, *, lists: bool) -> None:
    """The event's page shows the seats left on its next request; the lists that show its
    card (the programme, its organisations' and labs' pages) follow within
    `PAGE_CACHE_LIST_DELAY` when the card's words change; nothing else is out of date
    (`public_counts_changed`: with Redis, recorded once committed, and no row written)."""
    if lists:
        public_counts_changed(*event_page_tags(event_id))
    else:
        public_counts_changed(event_tag(event_id))


def _take_seat(registration: Registration, now: datetime.datetime) -> Registration:
    """Give a confirmed address its place in one session: a seat, the waiting list, or
    nothing when the session closed or filled up without a waiting list."""
    session = _locked_session(registration.session_id)
    registration.session = session
    if not event_takes_registrations(session.event) or now >= session.registration_deadline:
        registration.status = RegistrationStatus.REFUSED
    else:
        session.registration_rank += 1
        registration.rank = session.registration_rank
        if session.capacity is None or session.seats_taken < session.capacity:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
        elif session.waiting_list:
            registration.status = RegistrationStatus.WAITING
            registration.waiting_since = now
        else:
            registration.status = RegistrationStatus.REFUSED
    registration.save(update_fields=["status", "rank", "confirmed_at", "waiting_since"])
    _recount(session)
    return registration


def _already_registered(registrant: Registrant) -> set[int]:
    """The sessions this address already holds a seat or a place in the list for, through
    an earlier request for the same event."""
    return set(
        Registration.objects.filter(
            registrant__event_id=registrant.event_id,
            registrant__email=registrant.email,
            registrant__confirmed_at__isnull=False,
            status__in=ACTIVE,
        )
        .exclude(registrant=registrant)
        .values_list("session_id", flat=True)
    )


def registrant_confirm(
    *, registrant: Registrant, now: datetime.datetime | None = None
) -> list[Registration]:
    """The address is confirmed: each session asked for gives a seat, a place in its waiting
    list, or nothing (closed, full). Idempotent: a second click changes nothing. Queues the
    e-mail with the calendar invitation of the sessions obtained."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Registrant.objects.select_for_update().filter(pk=registrant.pk).first()
        if locked is None or locked.is_erased:
            raise RegistrationError("Cette demande d’inscription n’existe plus.")
        registrations = list(
            locked.registrations.select_related("session__event").order_by("session_id")
        )
        if locked.is_confirmed:
            return registrations
        locked.confirmed_at = now
        locked.save(update_fields=["confirmed_at"])
        duplicates = _already_registered(locked)
        for registration in registrations:
            if registration.status != RegistrationStatus.PENDING:
                continue
            if registration.session_id in duplicates:
                registration.status = RegistrationStatus.CANCELLED
                registration.cancelled_at = now
                registration.save(update_fields=["status", "cancelled_at"])
                continue
            _take_seat(registration, now)
        # Rendered by the worker: the sessions' rows stay locked only for the writes.
        tasks.send_confirmation.enqueue(locked.pk)
    registrant.confirmed_at = locked.confirmed_at
    return registrations


def _promote(session: EventSession, now: datetime.datetime) -> list[Registration]:
    """Fill the session's free seats from its waiting list, in arrival order (locked)."""
    if now >= session.starts_at:
        return []
    free = None if session.capacity is None else session.capacity - session.seats_taken
    waiting = Registration.objects.select_for_update().filter(
        session=session, status=RegistrationStatus.WAITING
    )
    waiting = waiting.order_by("rank", "pk")
    promoted = list(waiting if free is None else waiting[: max(free, 0)])
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.session = session
        registration.save(update_fields=["status", "confirmed_at"])
        emails.queue_promoted(registration)
    if promoted:
        _recount(session)
    return promoted


def registration_cancel(
    *,
    registration: Registration,
    user: AbstractBaseUser | None = None,
    now: datetime.datetime | None = None,
) -> list[Registration]:
    """Cancel one registration (by its registrant when `user` is None, or by a member of
    the organising organisation). A freed seat goes to the first person waiting in the same
    transaction. Returns the registrations promoted."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        if user is not None:
            _check_organizer(user, session.event)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status not in (*ACTIVE, RegistrationStatus.PENDING):
            return []
        was = locked.status
        locked.status = RegistrationStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by_organizer = user is not None
        locked.ics_sequence += 1 if was == RegistrationStatus.CONFIRMED else 0
        locked.save(
            update_fields=["status", "cancelled_at", "cancelled_by_organizer", "ics_sequence"]
        )
        locked.session = session
        _recount(session)
        if was != RegistrationStatus.PENDING:
            emails.queue_cancelled(
                locked, by_organizer=user is not None, had_seat=was == RegistrationStatus.CONFIRMED
            )
        promoted = _promote(session, now) if was == RegistrationStatus.CONFIRMED else []
    registration.status = locked.status
    return promoted


def registration_promote(
    *, registration: Registration, user: AbstractBaseUser, now: datetime.datetime | None = None
) -> Registration:
    """An organiser gives a seat to someone waiting, out of arrival order. Only when a seat
    is free: to go beyond, raise the session's number of places."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        _check_organizer(user, session.event)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != RegistrationStatus.WAITING:
            raise RegistrationError("Cette personne n’est pas en liste d’attente.")
        if session.capacity is not None and session.seats_taken >= session.capacity:
            raise RegistrationError(
                "Aucune place n’est libre dans cette séance : augmentez le nombre de places "
                "ou annulez une inscription avant de faire passer quelqu’un."
            )
        locked.status = RegistrationStatus.CONFIRMED
        locked.confirmed_at = now
        locked.session = session
        locked.save(update_fields=["status", "confirmed_at"])
        _recount(session)
        emails.queue_promoted(locked)
    return locked


def session_fill(*, session_id: int, now: datetime.datetime | None = None) -> list[Registration]:
    """After the number of places was raised (or set unlimited): promote those waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        _recount(session)
        return _promote(session, now)


def registrant_cancel_all(
    *, registrant: Registrant, now: datetime.datetime | None = None
) -> list[Registration]:
    """Cancel every registration of the request (the registrant's own link)."""
    cancelled = []
    for registration in registrant.registrations.filter(
        status__in=(*ACTIVE, RegistrationStatus.PENDING)
    ).order_by("session_id"):
        registration_cancel(registration=registration, now=now)
        cancelled.append(registration)
    return cancelled


def registrant_erase(*, registrant: Registrant, now: datetime.datetime | None = None) -> None:
    """Cancel what is still held, then remove every personal datum of the request. The rows
    stay, anonymous, for the counts."""
    now = now or timezone.now()
    registrant_cancel_all(registrant=registrant, now=now)
    Registrant.objects.filter(pk=registrant.pk).update(
        name="",
        email="",
        organization_name="",
        accessibility_needs="",
        accessibility_consent=False,
        erased_at=now,
    )


def _check_organizer(user: AbstractBaseUser, event: Event) -> None:
    if not user_is_active_member(user=user, organization_id=event.organization_id):
        raise NotAllowed("Seuls les membres de l’organisation organisatrice peuvent le faire.")


def registration_check_in(
    *,
    registration: Registration,
    user: AbstractBaseUser,
    present: bool = True,
    now: datetime.datetime | None = None,
) -> Registration:
    """Mark a confirmed person present (or not) at their session: a member of the
    organising organisation, from the list or the QR code of the confirmation e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session__event", "registrant")
            .get(pk=registration.pk)
        )
        _check_organizer(user, locked.session.event)
        if locked.status != RegistrationStatus.CONFIRMED:
            raise RegistrationError("Seule une personne inscrite peut être marquée présente.")
        locked.checked_in_at = (locked.checked_in_at or now) if present else None
        locked.save(update_fields=["checked_in_at"])
    return locked


# Retention ----------------------------------------------------------------------------------


def registrations_purge(
    *, now: datetime.datetime | None = None, retention_days: int, confirmation_days: int
) -> dict[str, int]:
    """The nightly purge: requests never confirmed in time are deleted (they held nothing);
    accessibility needs are erased once the last session they were given for is over (the
    day after); every request is anonymised `retention_days` after its last session. Returns
    how many requests were concerned, by kind."""
    now = now or timezone.now()
    _, deleted = Registrant.objects.filter(
        confirmed_at__isnull=True,
        erased_at__isnull=True,
        created_at__lt=now - datetime.timedelta(days=confirmation_days),
    ).delete()
    today = timezone.localdate(now)
    # Still needed: a registration held, waiting or asked for, in a session of today or later
    # (a cancelled or refused one needs nothing).
    coming = Registration.objects.filter(
        status__in=(*ACTIVE, RegistrationStatus.PENDING), session__date__gte=today
    ).values("registrant_id")
    needs = (
        Registrant.objects.exclude(accessibility_needs="")
        .exclude(pk__in=coming)
        .update(accessibility_needs="", accessibility_consent=False)
    )
    cutoff = today - datetime.timedelta(days=retention_days)
    kept = Registration.objects.filter(session__date__gt=cutoff).values("registrant_id")
    anonymised = (
        Registrant.objects.filter(erased_at__isnull=True)
        .exclude(pk__in=kept)
        .update(
            name="",
            email="",
            organization_name="",
            accessibility_needs="",
            accessibility_consent=False,
            erased_at=now,
        )
    )
    return {
        "unconfirmed": deleted.get(Registrant._meta.label, 0),
        "needs": needs,
        "anonymised": anonymised,
    }
