"""What the registration tests share."""

from registrations import services, tasks
from registrations.models import Registrant


def confirm(registrant: Registrant) -> list:
    """Confirm the address, then do what the task worker does after the confirmation's
    transaction: queue its e-mail (tests inside a transaction cannot run the worker)."""
    registrations = services.registrant_confirm(registrant=registrant)
    tasks.send_confirmation.call(registrant.pk)
    return registrations
