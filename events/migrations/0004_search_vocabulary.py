"""The search vocabulary (`SearchWord`): the typo fallback corrects words against it with a
trigram index, instead of scanning the trigrams of every event's title (PostgreSQL only)."""

from django.db import migrations, models

POSTGRES_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS search_word_trgm_idx "
    "ON events_searchword USING gin (word gin_trgm_ops)",
    # The words of the search texts already written (events/search.py, `search_vocabulary_add`).
    "INSERT INTO events_searchword (word) "
    "SELECT DISTINCT word FROM events_event, "
    "regexp_split_to_table(search_text, '[^[:alnum:]]+') AS word "
    "WHERE length(word) BETWEEN 3 AND 60 AND word !~ '^[0-9]+$' "
    "ON CONFLICT (word) DO NOTHING",
    "DROP INDEX IF EXISTS event_search_title_trgm_idx",
]
POSTGRES_BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS event_search_title_trgm_idx "
    "ON events_event USING gin ((split_part(search_text, E'\\n', 1)) gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_word_trgm_idx",
]


def postgres_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARDS:
            schema_editor.execute(statement)


def postgres_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_programme_search")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True, verbose_name="mot")),
            ],
            options={"verbose_name": "mot du vocabulaire de recherche"},
        ),
        migrations.RunPython(postgres_forwards, postgres_backwards),
    ]
