"""The nightly purge of registrants' personal data and of the sent e-mails (run it daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.lifecycle import outbox_purge
from registrations.services import registrations_purge
from registrations.tokens import CONFIRMATION_DAYS


class Command(BaseCommand):
    help = (
        "Delete the registration requests never confirmed within 7 days, erase the "
        "accessibility needs of sessions that are over, anonymise the registrants "
        "REGISTRATION_RETENTION_DAYS after their last session, and delete the e-mails sent "
        "more than REGISTRATION_RETENTION_DAYS ago. Run it every night."
    )

    def handle(self, *args, **options):
        days = settings.REGISTRATION_RETENTION_DAYS
        done = registrations_purge(retention_days=days, confirmation_days=CONFIRMATION_DAYS)
        emails = outbox_purge(retention_days=days)
        self.stdout.write(
            f"{done['unconfirmed']} unconfirmed request(s) deleted, accessibility needs erased "
            f"from {done['needs']}, {done['anonymised']} registrant(s) anonymised, "
            f"{emails} sent e-mail(s) deleted."
        )
