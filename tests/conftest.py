import datetime
import gc

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test import override_settings
from django.utils import timezone

from tests.factories import (
    FAST_PASSWORD_HASHERS,
    EditionFactory,
    EventFactory,
    MembershipFactory,
    UserFactory,
)
from tests.geocoding_server import geocoder  # noqa: F401 - the fake address service (a fixture)
from tests.oidc_server import proconnect_server  # noqa: F401 - a local ProConnect (a fixture)
from tests.parallel import worker_redis_url
from tests.recherche_entreprises_server import (  # noqa: F401 - a local Sirene search (a fixture)
    sirene_server,
)

_postgres_truncate = PostgresOperations.sql_flush


def _postgres_delete_all(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """The flush of a transactional test on PostgreSQL: DELETE from each table rather than
    Django's one TRUNCATE of them all, which gives every table a new file (47 tables: 327 ms
    for TRUNCATE, 22 ms for the DELETEs, measured with psql on empty tables; the tests leave a
    few rows). The foreign keys Django creates are deferred, so the order does not matter in
    the flush's transaction. Sequences are not reset, as with Django's flush of these tests;
    any other flush goes to Django's TRUNCATE."""
    if reset_sequences or allow_cascade or not tables:
        return _postgres_truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]


PostgresOperations.sql_flush = _postgres_delete_all


def pytest_collection_finish(session):
    """Once Django, the apps and the collected tests are loaded, the garbage collector stops
    going through them: `gc.freeze()` moves what is alive now, which lives until the end of
    the run anyway, out of its generations. Each full collection of a test's garbage
    otherwise walked every object of Django and the libraries again: the same tests took 7 to
    14 % less processor time frozen (hostile input, feeds and transitions with `-n 0`: 129 and
    139 s, 120 s frozen). What the tests create afterwards is collected as before, so that an
    unclosed file or connection in a cycle still warns (warnings are errors)."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def edition(db):
    """The 2022 edition, its referencing kept open until next year so organisers may submit."""
    return EditionFactory(referencing_closes_on=timezone.localdate() + datetime.timedelta(days=365))


@pytest.fixture
def organizer(db):
    """An organiser: active admin member of an organisation."""
    return MembershipFactory().user


@pytest.fixture
def moderator(db):
    return UserFactory(moderator=True)


@pytest.fixture
def moderator_client(client, moderator):
    """The test client, signed in as the moderator."""
    client.force_login(moderator)
    return client


@pytest.fixture
def event_of(edition):
    """Build an event owned by the organisation of the given organiser."""

    def make(user, **kwargs):
        return EventFactory(
            edition=edition, organization=user.memberships.get().organization, **kwargs
        )

    return make


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _no_real_geocoder(settings):
    # Never the real address service: a closed local port answers nothing, at once (a test that
    # needs answers starts tests/geocoding_server.py's fake service).
    settings.GEOCODER_URL = "http://127.0.0.1:9/geocodage/search"
    settings.GEOCODER_ATTEMPTS = 1
    settings.GEOCODER_BACKOFF = 0
    # Nor the real « API Recherche d'entreprises » (tests/recherche_entreprises_server.py).
    settings.RECHERCHE_ENTREPRISES_URL = ""


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches (local memory outlives a test's rolled-back data:
    a page cached under version 1 in one test must not answer the next one's version 1)."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_worker(tmp_path_factory):
    """Uploaded files go to this xdist worker's own temporary directory, never var/media/."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def redis_url():
    """This xdist worker's own Redis database (tests/parallel.py), empty before and after the
    test; the test is skipped where no Redis answers."""
    url = worker_redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError:
        client.close()
        pytest.skip(f"no Redis at {url}")
    except redis.ResponseError as error:  # "DB index is out of range": fewer than needed
        client.close()
        pytest.fail(f"{url}: {error} (set MOISINNO_TEST_REDIS_URL to a lower number)")
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the PostgreSQL sessions still on it: a
    subprocess or thread of a test (a gunicorn, the recovery script, concurrent moderators)
    that the machine's load kept alive a moment longer would otherwise fail the whole run at
    teardown ("database is being accessed by other users")."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def redis_pages(settings, redis_url):
    """The page cache in this worker's own Redis database, as in production."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "moisinno.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "moisinno-test-pages",
        },
    }
    # One machine, one clock: no margin for the skew between web nodes' clocks (a test of its
    # own sets one).
    settings.PAGE_CACHE_CLOCK_SKEW = 0
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()
