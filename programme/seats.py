"""What the public site shows of on-platform registration (`RegistrationMode.PLATFORM`): the
seats of each session, the event's on its card, whether the « S'inscrire » button shows.

Only counts, read from the sessions already loaded (`seats_taken`, `waiting_count`: kept by
`registrations.services`): no query, and never a registrant's name or address.

The event's page is rendered again at the first request after a registration and says the
number per session (« 12 places restantes »); a card says the event's as a whole in fewer
words (`Availability.card_label`: the number only from `FEW_SEATS` down), and the lists that
show it follow, within `PAGE_CACHE_LIST_DELAY`, only the registrations that change those words
(`registrations.services`).
"""

import datetime

from django.utils import timezone

from events.enums import RegistrationMode
from events.models import Event, EventSession
from registrations.availability import (
    Availability,
    event_availability,
    session_availability,
)
from registrations.services import event_takes_registrations


def is_platform(event: Event) -> bool:
    return event.registration_mode == RegistrationMode.PLATFORM


def session_seats(
    session: EventSession, now: datetime.datetime | None = None
) -> Availability | None:
    """A session's seats as its event's page says them; None unless its event registers here
    and is not cancelled (`session.event` is read: sessions prefetched from their event carry
    it)."""
    event = session.event
    if not is_platform(event) or event.is_cancelled:
        return None
    return session_availability(session, now)


def event_seats(event: Event, now: datetime.datetime | None = None) -> Availability | None:
    """The event's seats as a whole (its `sessions` prefetched); None unless it registers here
    and has a session, or when it is cancelled."""
    if not is_platform(event) or event.is_cancelled:
        return None
    return event_availability(list(event.sessions.all()), now)


def card_seats_label(event: Event, now: datetime.datetime | None = None) -> tuple[str, str]:
    """(label, DSFR badge kind) of the card's badge, or ("", "") when it has none."""
    seats = event_seats(event, now)
    if seats is None:
        return "", ""
    return seats.card_label, seats.badge


def registration_open(event: Event, now: datetime.datetime | None = None) -> bool:
    """The « S'inscrire » button: the event takes registrations here (published, not
    cancelled) and one of its sessions at least still takes a seat or a place in its waiting
    list."""
    now = now or timezone.now()
    if not is_platform(event) or not event_takes_registrations(event):
        return False
    return any(session_availability(s, now).is_open for s in event.sessions.all())
