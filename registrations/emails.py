"""The registrants' e-mails, queued in the transaction of the change that causes them (the
durable outbox, `moisinno.notifications`): the address to confirm, the seats obtained (with
the calendar invitation and the check-in QR code), a promotion from the waiting list, a
cancellation. Reminders, updates and the organisers' messages are in `registrations.reminders`
and `registrations.messages`.
"""

import base64
import io

import segno

from events.models import Event
from moisinno.formatting import session_label
from moisinno.notifications import queue_email

from . import ics
from .models import Registrant, Registration, RegistrationStatus
from .tokens import CONFIRMATION_DAYS, absolute, check_in_url, confirm_url, manage_url


def waiting_position(registration: Registration) -> int:
    """1 for the first person waiting."""
    return (
        Registration.objects.filter(
            session_id=registration.session_id,
            status=RegistrationStatus.WAITING,
            rank__lt=registration.rank,
        ).count()
        + 1
    )


def session_place(session) -> str:
    if session.is_in_person and session.is_online:
        return f"{session.place_label} et en ligne" if session.place_label else "En ligne"
    if session.is_online:
        return "En ligne"
    return session.place_label


def _line(registration: Registration, *, duplicate: bool = False) -> dict:
    session = registration.session
    status = registration.status
    if duplicate:
        outcome = "Vous étiez déjà inscrit ou inscrite à cette séance."
    elif status == RegistrationStatus.CONFIRMED:
        outcome = "Votre place est réservée."
    elif status == RegistrationStatus.WAITING:
        outcome = (
            "La séance est complète : vous êtes en liste d’attente, en position "
            f"{waiting_position(registration)}. Vous recevrez un courriel si une place se libère."
        )
    elif status == RegistrationStatus.REFUSED:
        outcome = "Les inscriptions à cette séance sont closes ou la séance est complète."
    else:
        outcome = "Cette inscription est annulée."
    return {
        "label": session_label(session),
        "place": session_place(session),
        "status": status,
        "outcome": outcome,
    }


def _qr_attachment(registration: Registration) -> dict:
    buffer = io.BytesIO()
    # A fixed mask: segno's search of the best of eight costs tens of milliseconds a code.
    segno.make(check_in_url(registration), error="m", micro=False, mask=2).save(
        buffer, kind="png", scale=6, border=4
    )
    return {
        "filename": f"billet-{registration.session.date:%Y-%m-%d}-{registration.pk}.png",
        "content_base64": base64.b64encode(buffer.getvalue()).decode(),
        "maintype": "image",
        "subtype": "png",
    }


def _context(registrant: Registrant, event: Event, **extra) -> dict:
    return {
        "event": event,
        "event_url": absolute(event.get_absolute_url()),
        "registrant": registrant,
        "manage_url": manage_url(registrant),
        **extra,
    }


def queue_confirm_address(registrant: Registrant) -> None:
    sessions = [
        registration.session for registration in registrant.registrations.select_related("session")
    ]
    queue_email(
        to=[registrant.email],
        template="registration_confirm_address",
        context={
            "event": registrant.event,
            "event_url": absolute(registrant.event.get_absolute_url()),
            "sessions": [session_label(session) for session in sessions],
            "confirm_url": confirm_url(registrant),
            "days": CONFIRMATION_DAYS,
        },
    )


def queue_confirmed(
    registrant: Registrant, registrations: list[Registration], *, duplicates: set[int]
) -> None:
    """What the confirmation gave, session by session; an invitation and a check-in code for
    each seat obtained."""
    event = registrations[0].session.event if registrations else registrant.event
    lines = [
        _line(registration, duplicate=registration.session_id in duplicates)
        for registration in registrations
    ]
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    attachments = [ics.attachment(registration) for registration in confirmed]
    attachments += [_qr_attachment(registration) for registration in confirmed]
    queue_email(
        to=[registrant.email],
        template="registration_confirmed",
        context=_context(
            registrant, event, lines=lines, confirmed=len(confirmed), any_confirmed=bool(confirmed)
        ),
        attachments=attachments,
    )


def queue_promoted(registration: Registration) -> None:
    registrant = registration.registrant
    event = registration.session.event
    queue_email(
        to=[registrant.email],
        template="registration_promoted",
        context=_context(registrant, event, line=_line(registration)),
        attachments=[ics.attachment(registration), _qr_attachment(registration)],
    )


def queue_cancelled(registration: Registration, *, by_organizer: bool, had_seat: bool) -> None:
    """The cancellation, said to its registrant; the invitation withdrawn (METHOD:CANCEL)
    when they held a seat."""
    registrant = registration.registrant
    if registrant.is_erased or not registrant.email:
        return
    event = registration.session.event
    queue_email(
        to=[registrant.email],
        template="registration_cancelled",
        context=_context(
            registrant,
            event,
            session_label=session_label(registration.session),
            by_organizer=by_organizer,
        ),
        attachments=[ics.attachment(registration, method=ics.CANCEL)] if had_seat else [],
    )
