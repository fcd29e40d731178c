"""Programme search and filter indexes.

- `Event.search_text` (all databases) and `Event.search_vector` (PostgreSQL), filled here for the
  existing events and kept by `events.services.events_refresh_search`;
- on PostgreSQL only: the `unaccent` and `pg_trgm` extensions, the `french_unaccent` text search
  configuration (French stemming, accents ignored), a GIN index on the vector, a trigram GIN
  index on the normalised title (the first line of the search text) and a covering index of the
  public programme for index-only counts and facets. SQLite skips these steps.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

POSTGRES_FORWARDS = [
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$;
    """,
    # Keep the vector in the row (compressed) and let the long texts go to TOAST instead: the
    # ranking reads the vector of every match, and a detour through TOAST per row cost twice.
    "ALTER TABLE events_event ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS event_search_vector_idx ON events_event USING gin (search_vector)",
    # The normalised title is the first line of search_text (see events/search.py).
    "CREATE INDEX IF NOT EXISTS event_search_title_trgm_idx "
    "ON events_event USING gin ((split_part(search_text, E'\\n', 1)) gin_trgm_ops)",
    # Event rows are wide (texts, search vector): the counts and facets of the programme and its
    # organisation menu read this index alone (index-only scans).
    "CREATE INDEX IF NOT EXISTS event_public_cover_idx "
    "ON events_event (edition_id, starts_on, ends_on, region, department, format_id, "
    "organization_id) "
    "WHERE status IN ('published', 'cancelled')",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS event_public_cover_idx",
    "DROP INDEX IF EXISTS event_search_title_trgm_idx",
    "DROP INDEX IF EXISTS event_search_vector_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
    "ALTER TABLE events_event ALTER COLUMN search_vector SET STORAGE EXTENDED",
]


def postgres_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARDS:
            schema_editor.execute(statement)


def postgres_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARDS:
            schema_editor.execute(statement)


def fill_search(apps, schema_editor):
    """The search text and vector of the events that exist already."""
    from events.search import build_search_text, search_vector_expression
    from moisinno.geography import department_name, region_name

    Event = apps.get_model("events", "Event")
    events = Event.objects.select_related("organization", "format").prefetch_related(
        "labs", "co_organizers", "themes"
    )
    batch = []
    for event in events.iterator(chunk_size=500):
        event.search_text = build_search_text(
            event.title,
            event.summary,
            event.description,
            event.organization.name,
            *(organization.name for organization in event.co_organizers.all()),
            *(lab.name for lab in event.labs.all()),
            event.venue_name,
            event.city,
            department_name(event.department),
            region_name(event.region),
            event.format.name if event.format else "",
            *(theme.name for theme in event.themes.all()),
        )
        batch.append(event)
        if len(batch) >= 500:
            Event.objects.bulk_update(batch, ["search_text"])
            batch = []
    Event.objects.bulk_update(batch, ["search_text"])
    if schema_editor.connection.vendor == "postgresql":
        Event.objects.update(search_vector=search_vector_expression())


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_moderator_group'),
        ('labs', '0001_labs'),
        ('organizers', '0001_organizations_and_memberships'),
    ]

    operations = [
        UnaccentExtension(),  # both are no-ops on other databases
        TrigramExtension(),
        migrations.AddField(
            model_name='event',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='texte de recherche'),
        ),
        migrations.AddField(
            model_name='event',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('status__in', ['published', 'cancelled'])), fields=['edition', 'starts_on', 'title', 'id'], name='event_public_order_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['edition', 'status', 'published_at'], name='event_recent_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['edition', 'status', 'ends_on'], name='event_ends_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('accessible_sign_language', True)), fields=['edition'], name='event_lsf_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('accessible_captions', True)), fields=['edition'], name='event_captions_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('accessible_easy_read', True)), fields=['edition'], name='event_falc_idx'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('accessible_hearing_loop', True)), fields=['edition'], name='event_hearing_loop_idx'),
        ),
        migrations.RunPython(postgres_forwards, postgres_backwards, elidable=False),
        migrations.RunPython(fill_search, migrations.RunPython.noop),
    ]
