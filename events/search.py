"""Text search of the programme, on PostgreSQL and on SQLite.

Every event keeps a denormalised `search_text`: its title, summary, description, city,
organisations and labs, lowercased and without accents (see `services.events_refresh_search`).

- PostgreSQL: a stored, weighted `search_vector` (title A, summary B, everything else C) built
  with the `french_unaccent` text search configuration (accents ignored, French stemming:
  "atelier" finds "Ateliers"), with a GIN index. Relevance in three tiers: every word in the
  title, then in the title or the summary, then elsewhere, each tier in date order.
  When no event has all the words as typed, small typos are tolerated: each word is corrected
  against the search vocabulary (`SearchWord`, the words of every search text, with a trigram
  index: a few thousand rows, not every event), then the full-text search runs with each word
  or its close spellings ("atelir" → "atelier"). One query for every word of the search.
- SQLite: every word of the query must appear in `search_text` (accent- and case-insensitive
  substring match, no stemming, no typo tolerance); results matching early (in the title) first.

`normalize` is also used by migration 0003, so it must stay a pure function.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    ExpressionWrapper,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import StrIndex

from labs.models import Lab
from moisinno.text import fold
from organizers.models import Organization

from .models import Event, EventSession, SearchWord, Theme

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
    other_places: Iterable[str] = (),
) -> str:
    """The recipe of `Event.search_text`: what a visitor may type to find an event.

    The first line is the folded title; related names come in
    their models' default order. `other_places`: the venues and cities of sessions held
    elsewhere than the event's own place (a workshop in Rennes, another in Brest), so a search
    for any of them finds it. Used by `events_refresh_search` and the demo generator.
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
        *other_places,
    )


def sessions_other_places(event: Event, sessions: Iterable) -> list[str]:
    """The venues and cities of `sessions` other than the event's own (derived) place, once
    each, in session order."""
    own = {event.venue_name, event.city, ""}
    places: list[str] = []
    for session in sessions:
        for name in (session.venue_name, session.city):
            if name not in own and name not in places:
                places.append(name)
    return places


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_vector_expression():
    """The weighted document stored in `Event.search_vector` (PostgreSQL only)."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


FULL_TEXT = "full_text"
TYPOS = "typos"
SUBSTRING = "substring"
# Corrections per misspelt word, and the shortest word worth correcting.
MAX_CORRECTIONS = 3
MIN_CORRECTED_LENGTH = 3
MAX_WORD_LENGTH = 60


@dataclass(frozen=True)
class SearchPlan:
    """How a search is matched: `mode`, and on PostgreSQL the raw tsquery to run."""

    mode: str
    tsquery: str = ""


def _tsquery(text: str) -> SearchQuery:
    # Every word, stemmed and without accents by french_unaccent ("ateliers" → "ateli").
    return SearchQuery(text, search_type="raw", config=SEARCH_CONFIG)


def _corrections(terms: list[str]) -> dict[str, list[str]]:
    """The closest words of the vocabulary for each term (trigram similarity, pg_trgm's
    default threshold 0.3, which lets "innovaton" find "innovation"). One query."""
    candidates = [term for term in terms if len(term) >= MIN_CORRECTED_LENGTH]
    if not candidates:
        return {}
    # SearchWord's table, named here so that the statement is one literal string.
    sql = (
        "SELECT t.term, w.word FROM unnest(%s::text[]) AS t(term) CROSS JOIN LATERAL ("
        "SELECT word FROM events_searchword WHERE word %% t.term "
        "ORDER BY similarity(word, t.term) DESC, word LIMIT %s) AS w"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [candidates, MAX_CORRECTIONS])
        found: dict[str, list[str]] = {}
        for term, word in cursor.fetchall():
            found.setdefault(term, []).append(word)
    return found


def _weighted(tsquery: str, weights: str) -> SearchQuery:
    """The same query, each word restricted to the parts of the document `weights` names
    ("A": the title, "AB": the title or the summary)."""
    return _tsquery(_WORD.sub(lambda word: f"{word.group()}:{weights}", tsquery))


def _rank_tiers(tsquery: str) -> Case:
    """Relevance in three tiers: every word in the title (2), in the title or the summary
    (1), elsewhere (0); then the programme's date order. Two more `@@` tests of the stored
    vector per match, where `ts_rank` cost 10 µs per match (15 ms for the 1,500 events of
    « atelier » among 10,000)."""
    return Case(
        When(search_vector=_weighted(tsquery, "A"), then=Value(2.0)),
        When(search_vector=_weighted(tsquery, "AB"), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def search_mode(queryset: QuerySet, query: str) -> SearchPlan:
    """How `query` will be matched in `queryset`: on PostgreSQL, full text when some event has
    all its words, else with each word or its corrections; on other databases, substrings.
    Two queries at most."""
    terms = search_terms(query)
    if not is_postgresql():
        return SearchPlan(SUBSTRING)
    exact = " & ".join(terms)
    if not terms or queryset.filter(search_vector=_tsquery(exact)).exists():
        return SearchPlan(FULL_TEXT, exact)
    corrections = _corrections(terms)
    alternatives = [
        "(" + " | ".join(dict.fromkeys([term, *corrections.get(term, [])])) + ")" for term in terms
    ]
    return SearchPlan(TYPOS, " & ".join(alternatives))


def apply_search(queryset: QuerySet, query: str, *, plan: SearchPlan | None = None) -> QuerySet:
    """Filter `queryset` on `query` and annotate `search_rank` (higher is more relevant).

    `plan` is `search_mode(…)`, computed once when the same search filters several querysets.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    plan = plan or search_mode(queryset, query)
    if plan.mode in (FULL_TEXT, TYPOS):
        return queryset.filter(search_vector=_tsquery(plan.tsquery)).annotate(
            search_rank=_rank_tiers(plan.tsquery)
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


def search_vocabulary_add(texts: Iterable[str]) -> None:
    """Add the words of these search texts to the vocabulary of the typo fallback
    (PostgreSQL only: elsewhere search matches substrings and corrects nothing)."""
    if not is_postgresql():
        return
    words = {
        word
        for text in texts
        for word in _WORD.findall(text)
        if MIN_CORRECTED_LENGTH <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
    }
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
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
                Prefetch(
                    "sessions",
                    queryset=EventSession.objects.only("event_id", "venue_name", "city"),
                ),
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
                other_places=sessions_other_places(event, event.sessions.all()),
            )
        Event.objects.bulk_update(rows, ["search_text"])
        search_vocabulary_add(event.search_text for event in rows)
        if is_postgresql():
            Event.objects.filter(pk__in=chunk).update(search_vector=search_vector_expression())
    return len(ids)


def event_refresh_search(*, event: Event) -> Event:
    """Rebuild the search text and vector of one event (see `events_refresh_search`)."""
    events_refresh_search(events=Event.objects.filter(pk=event.pk))
    event.search_text = Event.objects.values_list("search_text", flat=True).get(pk=event.pk)
    return event
