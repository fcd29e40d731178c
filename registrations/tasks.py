"""Work done by the task worker after a registration's transaction, so that the session's row
is locked only for the writes: the e-mail of a confirmed address (its invitations and QR codes
take far longer to render than the seats take to count)."""

from django.db import transaction
from django.tasks import task

from . import emails
from .models import Registrant, RegistrationStatus


@task
def send_confirmation(registrant_id: int) -> bool:
    """Queue the e-mail of what a confirmed address obtained, session by session. Enqueued in
    the confirmation's transaction: a confirmation that rolls back sends nothing, a committed
    one is never left without its e-mail."""
    with transaction.atomic():
        registrant = Registrant.objects.filter(pk=registrant_id).first()
        if registrant is None or registrant.is_erased or not registrant.is_confirmed:
            return False
        registrations = list(
            registrant.registrations.select_related(
                "session__event__organization", "registrant"
            ).order_by("session_id")
        )
        # A session the address already held through an earlier request: cancelled at the
        # moment of the confirmation (`services.registrant_confirm`).
        duplicates = {
            registration.session_id
            for registration in registrations
            if registration.status == RegistrationStatus.CANCELLED
            and registration.cancelled_at == registrant.confirmed_at
        }
        emails.queue_confirmed(registrant, registrations, duplicates=duplicates)
    return True
