"""Delete the unconfirmed subscriptions and the alerts of finished editions (run it daily)."""

from django.core.management.base import BaseCommand

from alerts.services import alerts_purge


class Command(BaseCommand):
    help = (
        "Delete the alert subscriptions never confirmed within 7 days, and the alerts of "
        "editions that ended more than 30 days ago."
    )

    def handle(self, *args, **options):
        unconfirmed, finished = alerts_purge()
        self.stdout.write(f"{unconfirmed} unconfirmed and {finished} finished alert(s) deleted.")
