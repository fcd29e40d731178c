"""Django's Redis cache, with one Redis client per connection pool instead of one per call,
and quick to say when Redis does not answer.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for
every cache operation, and each one fills a table of about 170 response callbacks: a quarter of
a millisecond, a quarter of what a page-cache hit costs. A `redis.Redis` is safe to share
between threads (each command borrows a connection from the pool), so it is built once.

redis-py retries a refused connection with a growing backoff (seconds per cache call), so that
during a Redis restart every request would hang. Here a call tries twice, without waiting, with
short timeouts (`OUTAGE_OPTIONS`; `OPTIONS` in `CACHES` may say otherwise): the page cache then
renders pages itself, and what needs the cache (rate limits) answers the French 503 page
(`moisinno.views.service_unavailable`) until Redis is back.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry

OUTAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 2.0}


def _retry() -> Retry:
    return Retry(NoBackoff(), 1)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**OUTAGE_OPTIONS, "retry": _retry(), **kwargs})
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool, retry=_retry())
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    # The page cache's tags (moisinno/pagecache.py): when each thing a public page shows last
    # changed, as a time in seconds, all in one sorted set so that a page's tags are read in one
    # round trip. ZADD GT keeps the latest time when two writers race.

    def _tags_key(self) -> str:
        return self.make_and_validate_key("page-tags")

    def touch_tags(self, times: dict[str, float]) -> None:
        """Record that each tag changed at its time (never moving a tag back in time)."""
        client = self._cache.get_client(write=True)
        client.zadd(self._tags_key(), times, gt=True)

    def add_tags(self, times: dict[str, float]) -> None:
        """Record these times only for tags that have none yet."""
        client = self._cache.get_client(write=True)
        client.zadd(self._tags_key(), times, nx=True)

    def tag_times(self, tags: list[str]) -> list[float | None]:
        """When each tag last changed; None for a tag that never did (or was lost)."""
        client = self._cache.get_client()
        return client.zmscore(self._tags_key(), tags)
