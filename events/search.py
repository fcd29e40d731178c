"""Text search of the programme, on PostgreSQL and on SQLite.

Every event keeps a denormalised `search_text`: its title, summary, description, city,
organisations and labs, lowercased and without accents (see `services.events_refresh_search`).

- PostgreSQL: a stored, weighted `search_vector` (title A, summary B, everything else C) built
  with the `french_unaccent` text search configuration (accents ignored, French stemming:
  "atelier" finds "Ateliers"), with a GIN index; results ranked by ts_rank (title first).
  When no event has all the words as typed, small typos are tolerated: trigram word similarity
  on the normalised title (GIN trigram index on the first line of `search_text`). Trigrams
  only as a fallback: on long texts they cost a hundred times more than the full-text index.
- SQLite: every word of the query must appear in `search_text` (accent- and case-insensitive
  substring match, no stemming, no typo tolerance); results matching early (in the title) first.

`normalize` is also used by migration 0003, so it must stay a pure function.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import StrIndex

from labs.models import Lab
from moisinno.text import fold
from organizers.models import Organization

from .models import Event, Theme

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")  # letters and digits: safe inside a raw tsquery
# Migration 0003 imports `normalize`: it must stay this pure function.
normalize = fold


def search_terms(query: str) -> list[str]:
    """The normalised words of a query (letters and digits only), at most MAX_TERMS."""
    return _WORD.findall(normalize(query))[:MAX_TERMS]


def build_search_text(*parts: str) -> str:
    """Searchable parts joined one per line, folded (title first)."""
    return "\n".join(normalized for part in parts if (normalized := normalize(part)))


def event_search_text(
    *,
    title: str,
    summary: str,
    description: str,
    organization: str,
    co_organizers: Iterable[str] = (),
    labs: Iterable[str] = (),
    venue_name: str = "",
    city: str = "",
    department_name: str = "",
    region_name: str = "",
    format_name: str = "",
    themes: Iterable[str] = (),
) -> str:
    """The recipe of `Event.search_text`: what a visitor may type to find an event.

    The first line is the folded title (the trigram index reads it); related names come in
    their models' default order. Used by `events_refresh_search` and the demo generator.
    """
    return build_search_text(
        title,
        summary,
        description,
        organization,
        *co_organizers,
        *labs,
        venue_name,
        city,
        department_name,
        region_name,
        format_name,
        *themes,
    )


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_vector_expression():
    """The weighted document stored in `Event.search_vector` (PostgreSQL only)."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


def search_title():
    """The normalised title: the first line of `search_text` (trigram GIN index on PostgreSQL)."""
    return Func(
        F("search_text"), Value("\n"), Value(1), function="split_part", output_field=TextField()
    )


FULL_TEXT = "full_text"
TYPOS = "typos"
SUBSTRING = "substring"


def _tsquery(terms: list[str]) -> SearchQuery:
    # Every word, stemmed and without accents by french_unaccent ("ateliers" → "ateli").
    return SearchQuery(" & ".join(terms), search_type="raw", config=SEARCH_CONFIG)


def search_mode(queryset: QuerySet, query: str) -> str:
    """How `query` will be matched in `queryset`: on PostgreSQL, full text when some event has
    all its words, else with typo tolerance; on other databases, substrings. One query at most.
    """
    terms = search_terms(query)
    if not is_postgresql():
        return SUBSTRING
    if terms and queryset.filter(search_vector=_tsquery(terms)).exists():
        return FULL_TEXT
    return TYPOS


def apply_search(queryset: QuerySet, query: str, *, mode: str | None = None) -> QuerySet:
    """Filter `queryset` on `query` and annotate `search_rank` (higher is more relevant).

    `mode` is `search_mode(…)`, computed once when the same search filters several querysets.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    mode = mode or search_mode(queryset, query)
    phrase = " ".join(terms)
    if mode == FULL_TEXT:
        tsquery = _tsquery(terms)
        # ts_rank weighs title words most (weight A). No trigram similarity here: computed on
        # every match, it cost ten times the full-text search itself on 10,000 events.
        return queryset.filter(search_vector=tsquery).annotate(
            search_rank=SearchRank(F("search_vector"), tsquery)
        )
    if mode == TYPOS:
        # pg_trgm's default word similarity threshold (0.6) lets "innovaton" find "innovation".
        return (
            queryset.alias(search_title=search_title())
            .filter(search_title__trigram_word_similar=phrase)
            .annotate(search_rank=TrigramWordSimilarity(phrase, "search_title"))
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    # No ranking without PostgreSQL: matches in the title (the start of search_text) first.
    return queryset.filter(condition).annotate(
        search_rank=ExpressionWrapper(
            -StrIndex("search_text", Value(terms[0])), output_field=FloatField()
        )
    )


# Indexing: keep `search_text` and `search_vector` in step with what the event says.


def events_refresh_search(*, events: QuerySet[Event] | None = None, batch_size: int = 500) -> int:
    """Rebuild the search text of `events` (all events when None) and, on PostgreSQL, their
    search vector. Call it after writing an event's text, place, organisations or labs, and
    after renaming an organisation or a lab. Returns the number of events refreshed."""
    ids = list((Event.objects.all() if events is None else events).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        rows = list(
            Event.objects.filter(pk__in=chunk)
            .select_related("organization", "format")
            .prefetch_related(
                Prefetch("labs", queryset=Lab.objects.only("name")),
                Prefetch("co_organizers", queryset=Organization.objects.only("name")),
                Prefetch("themes", queryset=Theme.objects.only("name")),
            )
            .only(
                "title",
                "summary",
                "description",
                "venue_name",
                "city",
                "department",
                "region",
                "organization__name",
                "format__name",
            )
        )
        for event in rows:
            event.search_text = event_search_text(
                title=event.title,
                summary=event.summary,
                description=event.description,
                organization=event.organization.name,
                co_organizers=[organization.name for organization in event.co_organizers.all()],
                labs=[lab.name for lab in event.labs.all()],
                venue_name=event.venue_name,
                city=event.city,
                department_name=event.department_name,
                region_name=event.region_name,
                format_name=event.format.name if event.format else "",
                themes=[theme.name for theme in event.themes.all()],
            )
        Event.objects.bulk_update(rows, ["search_text"])
        if is_postgresql():
            Event.objects.filter(pk__in=chunk).update(search_vector=search_vector_expression())
    return len(ids)


def event_refresh_search(*, event: Event) -> Event:
    """Rebuild the search text and vector of one event (see `events_refresh_search`)."""
    events_refresh_search(events=Event.objects.filter(pk=event.pk))
    event.search_text = Event.objects.values_list("search_text", flat=True).get(pk=event.pk)
    return event
