"""`manage.py generate_programme --events 1000 --seed 1 [--edition 2022] [--clear]`."""

from django.core.management.base import BaseCommand, CommandError

from demo.generation import GenerationError, programme_generate
from events.models import Edition
from events.selectors import current_edition


class Command(BaseCommand):
    help = (
        "Génère un programme fictif et réaliste pour une édition (démonstration, mesures de "
        "performance). Déterministe pour une graine donnée ; toutes les lignes créées sont "
        "marquées « générées »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=350, help="Nombre d'événements (350).")
        parser.add_argument("--seed", type=int, default=1, help="Graine du générateur (1).")
        parser.add_argument(
            "--edition",
            type=int,
            metavar="ANNÉE",
            help="Année de l'édition (par défaut : l'édition en cours, sinon la plus récente).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Supprime d'abord les événements générés de cette édition.",
        )

    def handle(self, *args, events: int, seed: int, edition: int | None, clear: bool, **options):
        if events < 0:
            raise CommandError("--events doit être positif ou nul.")
        if edition is None:
            target = current_edition()
            if target is None:
                raise CommandError(
                    "Aucune édition : chargez d'abord les données de référence "
                    "(manage.py loaddata reference)."
                )
        else:
            target = Edition.objects.filter(year=edition).first()
            if target is None:
                raise CommandError(f"Aucune édition {edition}.")
        try:
            result = programme_generate(edition=target, count=events, seed=seed, clear=clear)
        except GenerationError as error:
            raise CommandError(str(error)) from error
        cleared = f"{result.deleted_events} supprimés, " if clear else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Édition {target.year} : {cleared}{result.events} événements générés "
                f"({result.published} publiés, {result.with_labs} avec un lab), "
                f"{result.sessions} séances, {result.organizations_created} organisations et "
                f"{result.labs_created} labs créés, en {result.seconds:.1f} s (graine {seed})."
            )
        )
