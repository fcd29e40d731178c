"""The weekly digest of the e-mail alerts (run it once a week: see docs/deploy.md)."""

from django.core.management.base import BaseCommand

from alerts.services import alerts_send_digests


class Command(BaseCommand):
    help = (
        "Queue, for each confirmed alert, the e-mail of the events of its selection published "
        "since its last digest (nothing when there is nothing new). Safe to run twice."
    )

    def handle(self, *args, **options):
        queued = alerts_send_digests()
        self.stdout.write(f"{queued} digest(s) queued.")
