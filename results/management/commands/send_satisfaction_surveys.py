"""Queue the satisfaction surveys due (cron hourly: see results/survey.py for the rules)."""

from django.core.management.base import BaseCommand

from results.survey import surveys_send


class Command(BaseCommand):
    help = (
        "Queue the satisfaction survey to each participant of a session that ended in the "
        "last 7 days (checked in, or confirmed for an online session), once per registration "
        "whatever the number of runs. Run it every hour."
    )

    def handle(self, *args, **options):
        sent = surveys_send()
        self.stdout.write(f"{sent} satisfaction survey(s) queued.")
