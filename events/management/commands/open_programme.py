"""`manage.py open_programme`: publish the validated events of every edition whose publication
moment has passed. Idempotent: safe to run from cron every few minutes, beside the task the
worker runs at the moment (a failed task is not retried by itself)."""

from django.core.management.base import BaseCommand

from events.services import editions_open_due


class Command(BaseCommand):
    help = (
        "Publie les événements validés des éditions dont l'ouverture du programme est passée "
        "(sans effet sinon ; peut tourner en cron)."
    )

    def handle(self, *args, **options):
        opened = editions_open_due()
        self.stdout.write(f"{opened} événement(s) publié(s).")
