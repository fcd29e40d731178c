"""An organiser's message to the people registered for a session (« Écrire aux personnes
inscrites »): one e-mail each, through the durable outbox, never a shared recipient list.

At most `SESSION_MESSAGE_LIMIT` messages per session and per day, counted in the shared cache
(moisinno.ratelimit): a registrant who gave their address for one workshop is not to receive
a newsletter. Only the confirmed people are written to; an erased request has no address.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from events.models import EventSession
from moisinno.formatting import session_label
from moisinno.notifications import queue_email
from moisinno.ratelimit import Limit, RateLimitExceeded, consume, release
from organizers.selectors import user_is_active_member

from .emails import session_place
from .models import Registration, RegistrationStatus
from .services import NotAllowed, RegistrationError
from .tokens import absolute, manage_url

#: Messages per session per day.
SESSION_MESSAGE_LIMIT = Limit(amount=3, period=86400, per="session")
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000


class MessageRateLimited(RegistrationError):
    """Too many messages to this session today: the French message says when to try again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def session_message_recipients(session: EventSession) -> list[Registration]:
    return list(
        Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED)
        .exclude(registrant__email="")
        .select_related("registrant")
        .order_by("rank", "pk")
    )


def session_message_send(
    *,
    session: EventSession,
    user: AbstractBaseUser,
    subject: str,
    body: str,
    now: datetime.datetime | None = None,
) -> int:
    """Queue the organiser's message to each confirmed person of `session`; return how many.

    Raises NotAllowed for someone outside the organising organisation, MessageRateLimited past
    the day's limit, RegistrationError when nobody would receive it."""
    now = now or timezone.now()
    event = session.event
    if not user_is_active_member(user=user, organization_id=event.organization_id):
        raise NotAllowed("Seuls les membres de l’organisation organisatrice peuvent le faire.")
    subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
    body = body.strip()[:BODY_MAX_LENGTH]
    recipients = session_message_recipients(session)
    if not recipients:
        raise RegistrationError("Personne n’est inscrit à cette séance pour l’instant.")
    try:
        counted = consume("registration_message", [SESSION_MESSAGE_LIMIT], {"session": session.pk})
    except RateLimitExceeded as refusal:
        raise MessageRateLimited(
            f"Vous avez déjà écrit {SESSION_MESSAGE_LIMIT.amount} fois aux personnes inscrites "
            f"à cette séance {refusal.period_phrase} : c’est la limite, pour ne pas les "
            f"importuner. {refusal.retry_phrase}",
            retry_after=refusal.retry_after,
        ) from None
    try:
        with transaction.atomic():
            for registration in recipients:
                registrant = registration.registrant
                queue_email(
                    to=[registrant.email],
                    template="registration_message",
                    context={
                        "event": event,
                        "event_url": absolute(event.get_absolute_url()),
                        "organization": event.organization.name,
                        "contact_email": event.public_contact_email,
                        "session_label": session_label(session),
                        "place": session_place(session),
                        "subject": subject,
                        "body": body,
                        "registrant": registrant,
                        "manage_url": manage_url(registrant),
                    },
                )
    except BaseException:
        release(counted)
        raise
    return len(recipients)
