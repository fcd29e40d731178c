"""Backup and restore, drilled (docs/deploy.md, « Backup and restore »): the real
`tools/backup.sh` dumps a populated database, the real `tools/restore.sh` restores the dump into
a new database, and every event, session, moderation log entry… is there with the same contents.
PostgreSQL only: the scripts are pg_dump and pg_restore."""

import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.test import Client
from psycopg import sql

from alerts.models import Alert
from alerts.services import alert_confirm, alert_subscribe
from events.enums import EventStatus
from events.models import (
    Collection,
    Edition,
    Event,
    EventNote,
    EventReport,
    EventResource,
    EventSession,
    ModerationLogEntry,
)
from events.resources import resource_add
from events.services import event_approve, event_request_changes, event_submit
from labs.models import Lab
from moisinno.models import OutgoingEmail
from organizers.models import Membership, Organization
from registrations.models import Registrant, Registration
from tests.events.test_resources import PDF
from tests.factories import EditionFactory, EventFactory, MembershipFactory, UserFactory

# django_db on every test: pytest-django creates the test database only for marked tests, and
# the scripts must never see another database.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BACKUP = Path(settings.BASE_DIR) / "tools" / "backup.sh"
RESTORE = Path(settings.BASE_DIR) / "tools" / "restore.sh"

#: What a restore must give back, row for row (with each model's many-to-many tables). A new
#: model of what people entered is one more line here; `populate` must then
#: write at least one row of it, or the test says so.
RESTORED: list[type[Model]] = [
    get_user_model(),
    Organization,
    Membership,
    Lab,
    Edition,
    Collection,
    Event,
    EventSession,
    EventResource,
    ModerationLogEntry,
    EventReport,
    EventNote,
    OutgoingEmail,
    Alert,
    Registrant,
    Registration,
    MigrationRecorder.Migration,  # the schema's state: `migrate` has nothing to do afterwards
]


@pytest.fixture
def postgresql(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (DATABASE_URL=postgres://…)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is missing (apt-get install postgresql-client)")
    assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"


def database_url(name: str) -> str:
    """The test database's server and role, with the database `name`."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{'@' if auth else ''}{db['HOST'] or ''}{port}/{name}"


def live_url() -> str:
    return database_url(connection.settings_dict["NAME"])


@pytest.fixture
def target(postgresql):
    """A database name of this xdist worker's own, dropped before and after the test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"restored_{worker}_{connection.settings_dict['NAME']}".lower()
    name = re.sub(r"[^a-z0-9_]", "_", name)[:63]
    drop_database(name)
    yield name
    drop_database(name)


def drop_database(name: str) -> None:
    with psycopg.connect(live_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_exists(name: str) -> bool:
    with psycopg.connect(live_url()) as admin:
        return bool(
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


def run(*command: str | Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DATABASE_URL": live_url(), **env},
        check=False,
    )


def backup(directory: Path, **env: str) -> Path:
    directory.mkdir(exist_ok=True)
    result = run(BACKUP, directory, **env)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.splitlines()[-1])


def tables(model: type[Model]) -> list[tuple[str, list[str], str]]:
    """(table, columns, primary key) of the model and of its many-to-many tables."""
    metas = [model._meta] + [
        field.remote_field.through._meta
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    return [
        (meta.db_table, [field.column for field in meta.concrete_fields], meta.pk.column)
        for meta in metas
    ]


def listing(url: str) -> dict[str, list[tuple]]:
    """Every row of every table of RESTORED, every column, in primary key order."""
    found = {}
    with psycopg.connect(url) as db:
        for model in RESTORED:
            for table, columns, pk in tables(model):
                query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)),
                    sql.Identifier(table),
                    sql.Identifier(pk),
                )
                found[table] = db.execute(query).fetchall()
    return found


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as db:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        return db.execute(query).fetchone()[0]


def populate() -> None:
    """The demo data (the 2022 edition with its resources, a generated current edition: draft,
    submitted and published events with their sessions, organisations, labs, collections,
    registrations with a waiting list), then
    what people do through the services: submissions and decisions (the moderation log, the
    outbox), a PDF resource, a visitor's report, an internal note, an alert, a signed-in
    moderator."""
    call_command("load_demo_data", stdout=io.StringIO(), verbosity=0)
    current = Edition.objects.get(is_current=True)
    moderator = UserFactory(moderator=True, email="moderatrice@modernisation.gouv.fr")
    membership = MembershipFactory(user__email="agent@bretagne.gouv.fr")
    organizer, organization = membership.user, membership.organization

    approved = EventFactory(edition=current, organization=organization, eligible=True)
    event_submit(event=approved, user=organizer)
    event_approve(event=Event.objects.get(pk=approved.pk), user=moderator)
    asked = EventFactory(edition=current, organization=organization, eligible=True)
    event_submit(event=asked, user=organizer, message="Première participation.")
    event_request_changes(
        event=Event.objects.get(pk=asked.pk), user=moderator, message="Précisez le lieu."
    )
    EventNote.objects.create(event=asked, author=moderator, text="Relancer l’organisateur.")

    past = EventFactory(
        edition=EditionFactory(year=2022),
        organization=organization,
        published=True,
        title="Table ronde des usagers",
    )
    pdf = SimpleUploadedFile("Compte rendu.pdf", PDF, content_type="application/pdf")
    resource_add(event=past, user=organizer, kind="report", title="Compte rendu", file=pdf)
    EventReport.objects.create(
        event=past, kind="place", message="La salle a changé.", email="visiteur@example.fr"
    )

    alert_confirm(alert=alert_subscribe(email="visiteuse@example.fr", edition=current, query=""))
    Client().force_login(moderator)  # a session row, which backups leave out


# Real commits: pg_dump reads the database from another connection. serialized_rollback gives
# the next tests back the data migrations' rows (the moderators' group) after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_every_row_of_the_database(postgresql, target, tmp_path):
    populate()
    original = listing(live_url())
    statuses = {row[0] for row in Event.objects.values_list("status")}
    assert {EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CHANGES_REQUESTED} <= statuses
    assert EventResource.objects.exclude(file="").exists()
    empty = [model.__name__ for model in RESTORED if not original[model._meta.db_table]]
    assert not empty, f"populate() writes no row of {empty}: the test would prove nothing"
    assert count(live_url(), "django_session") >= 1

    started = time.perf_counter()
    dump = backup(tmp_path / "backups")
    dumped = time.perf_counter()
    result = run(RESTORE, dump, target)
    restored_in = time.perf_counter() - dumped
    print(f"backup {dumped - started:.1f} s, restore {restored_in:.1f} s, {dump.stat().st_size} B")

    assert result.returncode == 0, result.stderr
    assert f"restored into the database {target}" in result.stdout
    restored = listing(database_url(target))
    for table, rows in original.items():
        assert restored[table] == rows, f"{table}: the restored rows differ"
    # Sessions are left out: nobody is signed in with a session closed after the dump.
    assert count(database_url(target), "django_session") == 0
    # The extensions of the French search came back with the schema.
    with psycopg.connect(database_url(target)) as db:
        folded, similar = db.execute(
            "SELECT unaccent('Événement'), similarity('innovation', 'inovation')"
        ).fetchone()
    assert (folded, similar > 0.5) == ("Evenement", True)


def test_a_dump_is_complete_private_and_the_expired_ones_go(postgresql, tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    database = connection.settings_dict["NAME"]
    month_ago = time.time() - 31 * 86400
    expired = [directory / f"{database}-20200101T023000Z.dump"]
    expired.append(directory / f"{expired[0].name}.sha256")
    kept = [
        directory / f"{database}-20200102T023000Z.dump",  # recent: its age counts, not its name
        directory / "other-20200101T023000Z.dump",  # another database's
        directory / "notes.txt",
    ]
    for path in expired + kept:
        path.write_text("old")
        if path != kept[0]:
            os.utime(path, (month_ago, month_ago))

    dump = backup(directory, BACKUP_KEEP_DAYS="30")

    assert re.fullmatch(rf"{re.escape(database)}-\d{{8}}T\d{{6}}Z\.dump", dump.name)
    assert dump.parent == directory
    assert dump.stat().st_mode & 0o777 == 0o600  # accounts, contacts, e-mail addresses
    checksum = Path(f"{dump}.sha256")
    verified = subprocess.run(
        ["sha256sum", "--check", checksum.name], cwd=directory, capture_output=True, check=False
    )
    assert verified.returncode == 0
    assert not any(path.exists() for path in expired)
    assert all(path.exists() for path in kept)
    assert not list(directory.glob("*.partial"))


def test_restore_never_touches_a_database_that_holds_anything(postgresql, tmp_path):
    dump = backup(tmp_path)
    live = connection.settings_dict["NAME"]
    before = count(live_url(), "django_migrations")

    result = run(RESTORE, dump, live)

    assert result.returncode == 1
    assert f"the database {live} exists and is not empty" in result.stderr
    assert count(live_url(), "django_migrations") == before


def test_a_damaged_dump_restores_nothing(postgresql, target, tmp_path):
    """A copy whose table of contents reads well but whose data is damaged, without its
    checksum: the restore fails half-way and drops the database it created."""
    dump = backup(tmp_path)
    Path(f"{dump}.sha256").unlink()
    content = bytearray(dump.read_bytes())
    content[-100] ^= 0xFF  # in the last table's compressed data
    dump.write_bytes(bytes(content))

    result = run(RESTORE, dump, target)

    assert result.returncode == 1
    assert "pg_restore failed: nothing was restored" in result.stderr
    assert f"the database {target} was dropped again" in result.stderr
    assert not database_exists(target)


def test_a_dump_that_does_not_match_its_checksum_is_refused(postgresql, target, tmp_path):
    dump = backup(tmp_path)
    content = bytearray(dump.read_bytes())
    content[-100] ^= 0xFF
    dump.write_bytes(bytes(content))

    result = run(RESTORE, dump, target)

    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr
    assert not database_exists(target)


def test_restore_explains_a_wrong_database_name(postgresql, tmp_path):
    dump = backup(tmp_path)

    result = run(RESTORE, dump, "Moisinno-restauré")

    assert result.returncode == 1
    assert "is not a database name of lower-case letters, digits and _" in result.stderr
