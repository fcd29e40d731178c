"""`manage.py load_demo_data`: reference data, the real 2022 edition with the events the press
cited and a published bilan of generated declarations and answers (demo/results.py), and a
current demo edition whose referencing is open, with a generated programme and a few
registrations on the platform (demo/registrations.py); on an empty database only (`make run`
calls it at every start)."""

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.registrations import demo_registrations_create
from demo.results import demo_results_create
from events.enums import EventStatus
from events.models import Collection, Edition, Event, EventSession
from events.search import events_refresh_search
from events.services import edition_make_current
from events.sessions import sessions_place_approximately
from moisinno.pagecache import public_content_batch

DEMO_EVENTS = 350
DEMO_SEED = 2022
DEMO_THEME = "Simplifier ensemble (édition de démonstration)"
DEMO_FEATURED = 6
#: The 2022 edition's figures as the DITP types them in (the back office, « Éditions »): the
#: press announced « plus de 350 événements »; it gave no number of participants, so none.
DEMO_2022_HEADLINE_EVENTS = 350
DEMO_2022_HEADLINE_SOURCE = (
    "Communiqué de la DITP, cité par la presse (novembre 2022) : « plus de 350 événements »"
)
#: The four « parcours » of the 2021 edition, each a saved programme selection by theme.
DEMO_COLLECTIONS = [
    (
        "Expérience usager",
        "experience-usager",
        "Des services publics conçus avec celles et ceux qui les utilisent.",
        "theme=experience-usager",
    ),
    (
        "Expérience agent",
        "experience-agent",
        "Des outils, des méthodes et des organisations au service des agents publics.",
        "theme=experience-agent",
    ),
    (
        "Services publics écoresponsables",
        "services-publics-ecoresponsables",
        "La transition écologique de l’action publique, au quotidien.",
        "theme=transition-ecologique",
    ),
    (
        "Relance et impact",
        "relance-et-impact",
        "Mesurer et améliorer l’efficacité des politiques publiques.",
        "theme=efficacite-operationnelle",
    ),
]


def demo_edition_create(*, today: datetime.date) -> Edition:
    """An edition whose referencing is open on `today` (the day the data is first loaded):
    opened a month ago, closing in a month, the event month starting ten days later. It follows
    the latest edition (number, name); its year is the year it takes place."""
    latest = Edition.objects.order_by("-year").first()
    start = today + datetime.timedelta(days=40)
    year = start.year
    if Edition.objects.filter(year=year).exists():
        year = latest.year + 1
    return Edition.objects.create(
        year=year,
        number=latest.number + (year - latest.year),
        name=latest.name,
        theme=DEMO_THEME,
        description=(
            "Édition de démonstration : le référencement est ouvert, les événements ci-dessous "
            "sont générés."
        ),
        start_date=start,
        end_date=start + datetime.timedelta(days=27),
        referencing_opens_on=today - datetime.timedelta(days=30),
        referencing_closes_on=today + datetime.timedelta(days=30),
    )


def demo_editorial_create(*, edition: Edition) -> None:
    """The four « parcours » of 2021 and a few published events « à la une »."""
    for position, (title, slug, intro, query) in enumerate(DEMO_COLLECTIONS):
        Collection.objects.create(
            edition=edition, title=title, slug=slug, intro=intro, query=query, position=position
        )
    featured = (
        Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED, labs__isnull=False)
        .order_by("starts_on", "pk")
        .values_list("pk", flat=True)
        .distinct()[:DEMO_FEATURED]
    )
    Event.objects.filter(pk__in=list(featured)).update(is_featured=True)


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (référentiels, édition 2022 et événements cités "
        "par la presse, édition courante au référencement ouvert avec un programme généré) si "
        "la base ne contient encore aucune édition."
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
            # The real 2022 edition is past: its headline figure, and a bilan of generated
            # declarations and answers, published, that says so.
            Edition.objects.filter(year=2022).update(
                headline_events=DEMO_2022_HEADLINE_EVENTS,
                headline_participants=None,
                headline_source=DEMO_2022_HEADLINE_SOURCE,
            )
            results = demo_results_create(edition=Edition.objects.get(year=2022), seed=DEMO_SEED)
            # Fixtures bypass the services: index the demo events (the vector on PostgreSQL).
            events_refresh_search(events=Event.objects.filter(is_generated=False))
            # And on the maps, without the network: at their department's centre, approximate.
            sessions_place_approximately(
                sessions=EventSession.objects.filter(event__is_generated=False).select_related(
                    "event"
                ),
                spread=0.05,
            )
            current = edition_make_current(edition=demo_edition_create(today=timezone.localdate()))
        call_command(
            "generate_programme",
            events=DEMO_EVENTS,
            seed=DEMO_SEED,
            edition=current.year,
            verbosity=verbosity,
            stdout=self.stdout,
        )
        with transaction.atomic(), public_content_batch():
            demo_editorial_create(edition=current)
            registrations = demo_registrations_create(edition=current, seed=DEMO_SEED)
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration chargées : édition {current.year} courante "
                f"(référencement ouvert jusqu'au {current.referencing_closes_on:%d/%m/%Y}), "
                "édition 2022 réelle consultable sur /editions/2022/."
            )
        )
        self.stdout.write(
            f"Bilan de l'édition 2022 (participations et avis générés) : /editions/2022/bilan/ "
            f"({results.held} événements tenus, {results.answers} réponses au questionnaire) ; "
            "côté DITP : /admin/results/eventoutcome/bilan/?edition=2022."
        )
        self.stdout.write(
            f"Inscriptions sur la plateforme ({registrations.registrants} personnes fictives) : "
            f"complet avec liste d'attente {registrations.full.get_absolute_url()}, "
            f"en ligne avec un lien réservé aux inscrits {registrations.online.get_absolute_url()}."
        )
