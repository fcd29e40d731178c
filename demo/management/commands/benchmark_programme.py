"""`manage.py benchmark_programme`: server time of `/programme/` for 100, 1,000, 10,000 events.

Generates the events (`demo.generation`) in a scratch edition made current for the occasion,
then vacuums and analyses the tables as autovacuum would on a real database (PostgreSQL reads
its covering indexes only on vacuumed tables), requests each page through Django's test client
(the whole stack but the network) several times and prints the median. At the end, or if
anything fails, it deletes what it generated and gives the current edition back.
Target (DESIGN.md): on PostgreSQL, 10,000 events within 2× the time of 100 events.
"""

import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from demo.generation import programme_clear_generated, programme_generate
from events.models import Edition, Format

WARM_UP = 3
SCENARIOS = [
    ("sans filtre", ""),
    ("1 filtre (région)", "region=53"),
    ("recherche « atelier »", "q=atelier"),
]


class Command(BaseCommand):
    help = (
        "Mesure le temps serveur de /programme/ (sans filtre, avec un filtre, avec une "
        "recherche) pour 100, 1 000 et 10 000 événements générés, sur la base configurée. "
        "Les données générées sont supprimées à la fin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=[100, 1_000, 10_000],
            help="Nombres d'événements (100 1000 10000).",
        )
        parser.add_argument("--repeat", type=int, default=9, help="Requêtes mesurées par page (9).")
        parser.add_argument("--seed", type=int, default=1, help="Graine du générateur (1).")

    def handle(self, *args, sizes: list[int], repeat: int, seed: int, **options):
        if sorted(sizes) != sizes or sizes[0] <= 0:
            raise CommandError("--sizes : des nombres positifs, par ordre croissant.")
        rows: list[tuple[int, list[float], int]] = []
        current = list(Edition.objects.filter(is_current=True).values_list("pk", flat=True))
        edition = self._scratch_edition()
        try:
            generated = 0
            for size in sizes:
                programme_generate(edition=edition, count=size - generated, seed=seed + size)
                generated = size
                self._vacuum()
                rows.append((size, *self._measure(repeat)))
        finally:
            with transaction.atomic():
                programme_clear_generated(edition=edition)
                edition.delete()
                Edition.objects.filter(pk__in=current).update(is_current=True)
        self._print(rows, repeat)

    @transaction.atomic
    def _scratch_edition(self) -> Edition:
        if not Format.objects.exists():
            call_command("loaddata", "reference", verbosity=0)
        Edition.objects.filter(is_current=True).update(is_current=False)
        year = (Edition.objects.aggregate(last=Max("year"))["last"] or 2022) + 100
        template = Edition.objects.order_by("-year").first()
        return Edition.objects.create(
            year=year,
            number=99,
            theme="Mesure de performance",
            start_date=template.start_date.replace(year=year),
            end_date=template.end_date.replace(year=year),
            referencing_closes_on=template.referencing_closes_on.replace(year=year),
            is_current=True,
        )

    def _vacuum(self) -> None:
        # What autovacuum does after a bulk insert (VACUUM cannot run in a transaction).
        if connection.vendor in {"postgresql", "sqlite"}:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    @override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
    def _measure(self, repeat: int) -> tuple[list[float], int]:
        client = Client()
        medians = []
        queries = 0
        for _label, query in SCENARIOS:
            url = f"/programme/?{query}" if query else "/programme/"
            for _ in range(WARM_UP):
                client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)  # the query count
            if response.status_code != 200:
                raise CommandError(f"{url} : HTTP {response.status_code}")
            queries = max(queries, len(captured))
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            medians.append(statistics.median(timings) * 1000)
        return medians, queries

    def _print(self, rows, repeat: int) -> None:
        database = connection.settings_dict["NAME"]
        self.stdout.write(
            f"Base : {connection.vendor} ({database}) — médiane de {repeat} requêtes, en ms"
        )
        headers = ["événements", *(label for label, _ in SCENARIOS), "requêtes SQL"]
        table = [
            [f"{size:,}".replace(",", "\u202f"), *(f"{ms:.1f}" for ms in medians), str(q)]
            for size, medians, q in rows
        ]
        if len(rows) > 1:
            first, last = rows[0][1], rows[-1][1]
            table.append(
                [
                    f"ratio {rows[-1][0]:,} / {rows[0][0]:,}".replace(",", "\u202f"),
                    *(f"{b / a:.2f}×" for a, b in zip(first, last, strict=True)),
                    "",
                ]
            )
        widths = [max(len(row[i]) for row in [headers, *table]) for i in range(len(headers))]
        line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
        self.stdout.write(line.format(*headers))
        self.stdout.write("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in table:
            self.stdout.write(line.format(*row))
