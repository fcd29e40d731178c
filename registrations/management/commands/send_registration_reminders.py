"""Queue the registrants' reminders that are due (cron every 10 minutes: see
registrations/reminders.py for the rules)."""

from django.core.management.base import BaseCommand, CommandError

from registrations.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Queue the reminders due now: the day before a session to its confirmed registrants, "
        "and one hour before an online or hybrid session with its connection link. Each "
        "reminder is sent once, whatever the number of runs. Run it every 10 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--pause",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Wait this long in each reminder's transaction (a throttle; 0 by default).",
        )

    def handle(self, *args, pause: float, **options):
        if pause < 0:
            raise CommandError("--pause must be 0 or more.")
        run = reminders_send(pause=pause)
        self.stdout.write(
            f"{run.day_before} day-before and {run.hour_before} hour-before reminder(s) queued."
        )
