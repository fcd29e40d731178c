"""Synthetic programme for demos and benchmarks (`manage.py generate_programme`).

Deterministic for a seed: the same seed on the same reference data gives the same titles, dates
and places. Every row written here has `is_generated=True`, so it can be told apart from real
data and removed with `programme_clear_generated`. Rows are written with `bulk_create`; event
dates and search text are computed in Python, so that each row is written once.

The organisations and labs come from `demo.organizations`, the events and their sessions
from `demo.planning`; this module writes them and reports what it did.
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Expression, F, Value
from django.utils.text import slugify

from events.enums import AttendanceMode, EventStatus, RegistrationMode
from events.models import Edition, Event, EventSession, Format, SearchWord, Theme
from events.search import is_postgresql, search_vector_expression, search_vocabulary_add
from events.sessions import sessions_place_approximately
from labs.models import Lab
from moisinno.pagecache import public_content_batch, public_content_changed
from organizers.models import Organization

from .organizations import labs_ensure, organizations_ensure
from .planning import Planner, session_place


class GenerationError(Exception):
    """The programme cannot be generated (missing reference data); the message is French."""


@dataclass(frozen=True, slots=True)
class GenerationResult:
    events: int
    sessions: int
    published: int
    with_labs: int
    organizations_created: int
    labs_created: int
    deleted_events: int
    seconds: float


def programme_clear_generated(*, edition: Edition) -> int:
    """Delete the generated events of `edition`, then generated labs and organisations that no
    event uses any more. Real rows (is_generated=False) are never touched."""
    with transaction.atomic(), public_content_batch():
        return _clear_generated(edition)


def _clear_generated(edition: Edition) -> int:
    deleted = (
        Event.objects.filter(edition=edition, is_generated=True).delete()[1].get("events.Event", 0)
    )
    Lab.objects.filter(is_generated=True).exclude(
        pk__in=Event.labs.through.objects.values("lab_id")
    ).delete()
    Organization.objects.filter(is_generated=True).exclude(
        pk__in=Event.objects.values("organization_id")
    ).exclude(pk__in=Event.co_organizers.through.objects.values("organization_id")).exclude(
        pk__in=Lab.objects.filter(host_organization__isnull=False).values("host_organization_id")
    ).filter(memberships__isnull=True).delete()
    return deleted


class _SQL(Expression):
    """Already compiled SQL and its parameters."""

    contains_column_references = False

    def __init__(self, sql: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection):
        return self.sql, self.params


class _InsertableVector:
    """`search.search_vector_expression()` evaluated by the INSERT of each event (PostgreSQL).

    Setting the vector with an UPDATE after the INSERT would write every row twice, with all
    its indexes (the full-text GIN index is the costly one). An INSERT cannot
    read the row's columns, so the expression is compiled once with each column reference
    replaced by a parameter, and each event supplies its own values for those parameters.
    """

    def __init__(self):
        sentinels: dict[str, str] = {}

        def bind(node):
            if isinstance(node, F):
                sentinels[node.name] = sentinel = f"__search_vector_{node.name}__"
                return Value(sentinel)
            clone = node.copy()
            clone.set_source_expressions([bind(n) for n in node.get_source_expressions()])
            return clone

        query = Event.objects.none().query
        compiler = query.get_compiler(connection=connection)
        self.sql, params = compiler.compile(
            bind(search_vector_expression()).resolve_expression(query)
        )
        self.params = list(params)
        names = {sentinel: name for name, sentinel in sentinels.items()}
        self.columns: dict[int, str] = {
            i: names[p] for i, p in enumerate(self.params) if p in names
        }
        self.output_field = Event._meta.get_field("search_vector")

    def of(self, event: Event) -> _SQL:
        params = self.params.copy()
        for index, name in self.columns.items():
            params[index] = getattr(event, name)
        return _SQL(self.sql, params, self.output_field)


def unique_slugs(titles: list[str]) -> list[str]:
    """What `moisinno.text.unique_slug(Event, title, max_length=200)` gives each title if the
    events were saved one by one ("atelier", "atelier-2", …), in one query: that helper only
    sees saved rows, and `bulk_create` saves the whole batch at once."""
    taken = set(Event.objects.values_list("slug", flat=True))
    slugs = []
    for title in titles:
        base = slugify(title)[:200].strip("-") or "sans-titre"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def analyze_programme_tables() -> None:
    """Give the database's planner statistics on what was just written: without them the
    programme's queries run 2 to 4 times slower until autovacuum comes by."""
    tables = [
        model._meta.db_table
        for model in (
            Event,
            EventSession,
            Organization,
            Lab,
            Event.themes.through,
            Event.labs.through,
            Event.co_organizers.through,
            SearchWord,
        )
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def programme_generate(
    *, edition: Edition, count: int, seed: int, clear: bool = False
) -> GenerationResult:
    """Generate `count` events for `edition`, deterministically for `seed`."""
    started = time.perf_counter()
    formats = list(Format.objects.order_by("position", "pk"))
    themes = list(Theme.objects.all())  # default order, as the search service reads them
    if not formats or not themes:
        raise GenerationError(
            "Aucun format ou aucune thématique : chargez d'abord les données de référence "
            "(manage.py loaddata reference)."
        )
    with transaction.atomic():
        deleted = programme_clear_generated(edition=edition) if clear else 0
        organizations, organization_names, organizations_created = organizations_ensure()
        labs_created = labs_ensure({spec.slug: pk for spec, pk in organizations})
        labs = list(
            Lab.objects.order_by("pk").values_list("pk", "region", "host_organization_id", "name")
        )
        planner = Planner(
            edition=edition,
            seed=seed,
            formats=formats,
            themes=themes,
            organizations=organizations,
            organization_names=organization_names,
            labs=labs,
        )
        planned = planner.plan(count)

        slugs = unique_slugs([p.fields["title"] for p in planned])
        vector = _InsertableVector() if is_postgresql() else None
        events = []
        for p, slug in zip(planned, slugs, strict=True):
            p.fields["slug"] = slug
            if p.fields["attendance_mode"] != AttendanceMode.IN_PERSON:
                p.fields["online_url"] = f"https://webinaire.example.gouv.fr/{slug}"
            if p.fields["registration_mode"] == RegistrationMode.LINK:
                p.fields["registration_url"] = f"https://inscription.example.gouv.fr/{slug}"
            event = Event(**p.fields)
            if vector:
                event.search_vector = vector.of(event)
            events.append(event)
        Event.objects.bulk_create(events, batch_size=1000)
        search_vocabulary_add(event.search_text for event in events)
        if events and events[0].pk is None:  # backends that cannot return ids
            ids = dict(Event.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            for event in events:
                event.pk = ids[event.slug]

        sessions = [
            EventSession(
                event_id=event.pk,
                date=date,
                start_time=start,
                end_time=end,
                # Registration on the platform: each session has the event's number of
                # places (None: unlimited), with a waiting list.
                capacity=event.capacity
                if event.registration_mode == RegistrationMode.PLATFORM
                else None,
                **session_place(event, index, len(p.sessions)),
            )
            for event, p in zip(events, planned, strict=True)
            for index, (date, start, end) in enumerate(p.sessions)
        ]
        EventSession.objects.bulk_create(sessions, batch_size=2000)
        # On the maps without the network: around their department's centre, approximate.
        sessions_place_approximately(
            sessions=EventSession.objects.filter(event__in=[e.pk for e in events]).select_related(
                "event"
            ),
            spread=0.12,
        )
        Event.themes.through.objects.bulk_create(
            [
                Event.themes.through(event_id=e.pk, theme_id=t)
                for e, p in zip(events, planned, strict=True)
                for t in p.theme_ids
            ],
            batch_size=2000,
        )
        Event.labs.through.objects.bulk_create(
            [
                Event.labs.through(event_id=e.pk, lab_id=lab)
                for e, p in zip(events, planned, strict=True)
                for lab in p.lab_ids
            ],
            batch_size=2000,
        )
        Event.co_organizers.through.objects.bulk_create(
            [
                Event.co_organizers.through(event_id=e.pk, organization_id=o)
                for e, p in zip(events, planned, strict=True)
                for o in p.co_organizer_ids
            ],
            batch_size=2000,
        )
        # bulk_create sends no signal: the public pages change once, with this transaction.
        public_content_changed()
    analyze_programme_tables()
    return GenerationResult(
        events=len(events),
        sessions=len(sessions),
        published=sum(1 for e in events if e.status == EventStatus.PUBLISHED),
        with_labs=sum(1 for p in planned if p.lab_ids),
        organizations_created=organizations_created,
        labs_created=labs_created,
        deleted_events=deleted,
        seconds=time.perf_counter() - started,
    )
