"""`manage.py load_demo_data`: reference data, the 2022 demo events and a generated programme,
on an empty database only (`make run` calls it at every start)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from events.models import Edition, Event
from events.search import events_refresh_search
from moisinno.pagecache import public_content_batch

DEMO_EVENTS = 350
DEMO_SEED = 2022


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (référentiels, événements 2022 cités par la presse, "
        "programme généré) si la base ne contient encore aucune édition."
    )

    def handle(self, *args, **options):
        if Edition.objects.exists():
            self.stdout.write(
                "La base contient déjà des éditions : aucune donnée de démonstration chargée."
            )
            return
        verbosity = options["verbosity"]
        # One public-content version for the whole load, not one per fixture row.
        with transaction.atomic(), public_content_batch():
            call_command("loaddata", "reference", "demo_2022", verbosity=verbosity)
            # Fixtures bypass the services: index the demo events (the vector on PostgreSQL).
            events_refresh_search(events=Event.objects.filter(is_generated=False))
        call_command(
            "generate_programme",
            events=DEMO_EVENTS,
            seed=DEMO_SEED,
            verbosity=verbosity,
            stdout=self.stdout,
        )
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
