"""Cache backends that degrade instead of failing: a cache outage costs speed, never a page.

With Django's own backends any cache error (Redis stopped, unreachable, out of memory)
propagates and every cached view answers 500. Here an error is logged once per interval, the
call answers as a cache miss (reads) or a no-op (writes), and the cache is left alone for a
few seconds so pages do not each wait for a dead server.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("qa_site.cache")

# After an error, skip the cache for this long before trying it again.
RETRY_AFTER_SECONDS = 5
# At most one log line per this many seconds while the cache stays down.
LOG_INTERVAL_SECONDS = 60

# Method name -> what the caller gets while the cache is down.
READS = {"get": "default", "get_many": {}, "has_key": False}
WRITES = {"set": None, "add": False, "touch": False, "delete": False, "set_many": [], "delete_many": None, "clear": None}


class _Outage:
    """Shared state of one backend: down until when, and when it was last logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.last_logged = None
        self.suppressed = 0

    def is_down(self):
        return time.monotonic() < self.down_until

    def failed(self, backend, method, error):
        with self.lock:
            now = time.monotonic()
            self.down_until = now + RETRY_AFTER_SECONDS
            if self.last_logged is not None and now - self.last_logged < LOG_INTERVAL_SECONDS:
                self.suppressed += 1
                return
            suppressed, self.suppressed, self.last_logged = self.suppressed, 0, now
        more = f" ({suppressed} more errors since the last line)" if suppressed else ""
        logger.error("Cache %s unavailable, serving without it: %s in %s(): %s%s",
                     backend, type(error).__name__, method, str(error).splitlines()[0] if str(error) else "", more)


def _degrading(name, fallback):
    def method(self, *args, **kwargs):
        if self._outage.is_down():
            return self._fallback(name, fallback, args, kwargs)
        try:
            return getattr(super(ResilientCacheMixin, self), name)(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any backend failure: connection, timeout, protocol, memory
            self._outage.failed(self._location_label, name, error)
            return self._fallback(name, fallback, args, kwargs)

    method.__name__ = name
    return method


class ResilientCacheMixin:
    """Turns a cache backend's errors into misses and no-ops, logged once per interval."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._outage = _Outage()
        self._location_label = str(getattr(self, "_servers", ["cache"])[0]) if hasattr(self, "_servers") else "cache"

    @staticmethod
    def _fallback(name, fallback, args, kwargs):
        if fallback == "default":  # get(key, default=None)
            return args[1] if len(args) > 1 else kwargs.get("default")
        return fallback.copy() if isinstance(fallback, (dict, list)) else fallback

    def get_or_set(self, key, default, timeout=None, version=None):
        """Computes the value when the cache cannot answer (Django's version would call it after a failed add)."""
        value = self.get(key, self._missing_key, version=version)
        if value is self._missing_key:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value


for _name, _fallback_value in {**READS, **WRITES}.items():
    setattr(ResilientCacheMixin, _name, _degrading(_name, _fallback_value))


class _ReusedClients(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool instead of one per call.

    Django builds a new ``redis.Redis`` for every cache call; with redis-py 8 that copies some 170
    response callbacks each time, about 180 µs, more than the round trip to Redis. A ``redis.Redis``
    over a connection pool is safe to share between threads, so one per pool is enough.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(ResilientCacheMixin, RedisCache):
    """Django's RedisCache, degrading to no cache while Redis is unreachable (settings: REDIS_URL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._class = _ReusedClients


