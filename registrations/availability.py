"""What visitors are told about a session's seats (« 12 places restantes », « Complet — liste
d'attente ouverte (3 personnes) », « Inscriptions closes »), from the counts kept on the
session: no query, no personal datum."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from events.models import EventSession

OPEN = "open"
WAITING_LIST = "waiting_list"
FULL = "full"
CLOSED = "closed"

#: From this many seats left down, a card says the number (« 3 places restantes »); above, it
#: says « Places disponibles », so that the lists need not follow every registration.
FEW_SEATS = 10

# schema.org's ItemAvailability of each state (an Offer's `availability`).
SCHEMA_AVAILABILITY = {
    OPEN: "InStock",
    WAITING_LIST: "SoldOut",
    FULL: "SoldOut",
    CLOSED: "OutOfStock",
}


def availability_state(session: EventSession) -> str:
    """The state the counts give, whatever the time: open, full with a waiting list, full."""
    if session.capacity is None or session.seats_taken < session.capacity:
        return OPEN
    return WAITING_LIST if session.waiting_list else FULL


def _people(count: int) -> str:
    return f"{count}\u00a0personne{'s' if count > 1 else ''}"


@dataclass(frozen=True)
class Availability:
    state: str
    seats_left: int | None  # None: unlimited
    waiting: int

    @property
    def is_open(self) -> bool:
        """A visitor may still ask for this session (a seat or the waiting list)."""
        return self.state in (OPEN, WAITING_LIST)

    @property
    def label(self) -> str:
        if self.state == CLOSED:
            return "Inscriptions closes"
        if self.state == FULL:
            return "Complet"
        if self.state == WAITING_LIST:
            # Nobody waiting yet: no « (0 personne) ».
            if not self.waiting:
                return "Complet — liste d’attente ouverte"
            return f"Complet — liste d’attente ouverte ({_people(self.waiting)})"
        if self.seats_left is None:
            return "Places disponibles"
        plural = "s" if self.seats_left > 1 else ""
        return f"{self.seats_left}\u00a0place{plural} restante{plural}"

    @property
    def card_label(self) -> str:
        """What a card says: the number only when few seats are left, the waiting list
        without its length (the event's page says both)."""
        if self.state == OPEN:
            if self.seats_left is not None and self.seats_left <= FEW_SEATS:
                return self.label
            return "Places disponibles"
        if self.state == WAITING_LIST:
            return "Complet — liste d’attente ouverte"
        return self.label

    @property
    def badge(self) -> str:
        """The DSFR badge's kind: success (open), warning (waiting list), error (otherwise)."""
        return {OPEN: "success", WAITING_LIST: "warning"}.get(self.state, "error")

    @property
    def schema_availability(self) -> str:
        return SCHEMA_AVAILABILITY[self.state]


def session_availability(
    session: EventSession, now: datetime.datetime | None = None
) -> Availability:
    now = now or timezone.now()
    state = CLOSED if now >= session.registration_deadline else availability_state(session)
    return Availability(state=state, seats_left=session.seats_left, waiting=session.waiting_count)


def event_availability(
    sessions: list[EventSession], now: datetime.datetime | None = None
) -> Availability | None:
    """The event's as a whole (its card): the best of its sessions still to come, the seats
    left added up; None when it has no session."""
    now = now or timezone.now()
    if not sessions:
        return None
    each = [session_availability(session, now) for session in sessions]
    for state in (OPEN, WAITING_LIST, FULL):
        matching = [a for a in each if a.state == state]
        if matching:
            if state == OPEN and any(a.seats_left is None for a in matching):
                seats = None
            else:
                seats = sum(a.seats_left or 0 for a in matching)
            return Availability(
                state=state, seats_left=seats, waiting=sum(a.waiting for a in matching)
            )
    return Availability(state=CLOSED, seats_left=0, waiting=0)
