"""Queue the requests for attendance that are due (cron hourly: see results/requests.py)."""

from django.core.management.base import BaseCommand

from results.requests import DAY3, DAY10, REQUEST, attendance_requests_send


class Command(BaseCommand):
    help = (
        "Ask organisers to declare who came: the day after an event's last session, then "
        "reminders on day 3 and day 10 while it is not declared. Each e-mail is sent once, "
        "whatever the number of runs. Run it every hour."
    )

    def handle(self, *args, **options):
        run = attendance_requests_send()
        self.stdout.write(
            f"{run.sent[REQUEST]} request(s), {run.sent[DAY3]} day-3 and "
            f"{run.sent[DAY10]} day-10 reminder(s) queued."
        )
