"""
The site's page *generation*: one number in the shared cache that every stored page is tagged with
(``articles.cache``). Anything that changes what readers see sets a new one, and every page stored
under an older one is stale at once, on every server.

Reading it from Redis on every request costs a round trip, more than the rest of a cache hit. So,
when the cache is Redis (``REDIS_URL``), a new generation is also *published* on a Redis channel
and each process subscribes to it:

- a request first reads what has arrived on the subscription, without waiting (one ``poll`` of a
  socket). The new value is published before the caches are purged, so it is already in this
  process's socket when a reader's request that follows the purge reaches it;
- the stored value is confirmed by a plain read of the shared key at least once a second, and
  after every (re)subscription, so a lost message or a lost connection costs at most a second;
- while the subscription cannot be made, every request reads the shared key, as before.

Without Redis (``scripts/serve``, tests) the generation lives in the local cache and is read directly.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
CHANNEL = "qa-site:pages:generation"
CONFIRM_EVERY = 1.0  # seconds between reads of the shared key while subscribed
RETRY_AFTER = 5.0  # seconds before subscribing again after a failure


def bump_generation():
    """Make every stored page stale: what readers may see has changed."""
    generation = time.time_ns()
    cache.set(GENERATION_KEY, generation, timeout=None)
    _watch().publish(generation)


def current_generation():
    """The shared generation; a cache emptied or restarted starts a new one, so no old copy is served."""
    watch = _watch()
    generation = watch.generation()
    if generation is None:
        generation = _read_shared()
        watch.confirm(generation)
    return generation


def _read_shared():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, -1)  # -1: the cache is unreachable, nothing matches it
    return generation


class _NoWatch:
    """Without Redis: nothing is kept, every request reads the (local) cache."""

    def generation(self):
        return None

    def confirm(self, generation):
        pass

    def publish(self, generation):
        pass


class _Watch:
    """This process's copy of the generation, kept current by a Redis subscription (see the module docstring)."""

    def __init__(self, url):
        import redis

        self._redis = redis
        self._url = url
        self._lock = threading.Lock()
        self._pid = None
        self._client = self._pubsub = None
        self._subscribed = False  # Redis confirmed the subscription
        self._value, self._confirmed_at, self._retry_at = None, 0.0, 0.0

    def generation(self):
        """The generation as last heard, or None when it must be read from the shared key."""
        with self._lock:
            try:
                if self._pid != os.getpid():  # first use, or a forked worker: its own connections
                    self._connect()
                if self._pubsub is None:
                    if time.monotonic() < self._retry_at:
                        return None
                    self._subscribe()
                while (message := self._pubsub.get_message(timeout=0.0)) is not None:
                    if message["type"] == "message":
                        self._value = int(message["data"])
                    elif message["type"] == "subscribe":  # first time, or redis-py re-subscribed after a drop
                        self._subscribed, self._confirmed_at = True, 0.0
            except (self._redis.RedisError, OSError, ValueError) as error:
                self._drop(error)
                return None
            if not self._subscribed or time.monotonic() - self._confirmed_at > CONFIRM_EVERY:
                return None
            return self._value

    def confirm(self, generation):
        """The shared key was just read: trust it (and what arrives after it) for CONFIRM_EVERY."""
        with self._lock:
            if self._subscribed and self._pid == os.getpid() and generation != -1:
                self._value, self._confirmed_at = generation, time.monotonic()

    def publish(self, generation):
        with self._lock:
            try:
                if self._pid != os.getpid():
                    self._connect()
                self._client.publish(CHANNEL, generation)
            except (self._redis.RedisError, OSError) as error:
                # The other servers then see the new generation by their next read of the key (≤ 1 s).
                log.warning("Could not announce the new page generation: %s", error)

    def _connect(self):
        self._pid, self._pubsub, self._subscribed = os.getpid(), None, False
        self._client = self._redis.Redis.from_url(self._url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def _subscribe(self):
        self._pubsub = self._client.pubsub()
        self._pubsub.subscribe(CHANNEL)

    def _drop(self, error):
        log.warning("Page generation subscription lost, reading the shared key instead: %s", error)
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except (self._redis.RedisError, OSError):
                pass
        self._pubsub, self._subscribed, self._retry_at = None, False, time.monotonic() + RETRY_AFTER


_watches = {}


def _watch():
    """One watch per Redis address (settings.REDIS_URL may change in tests)."""
    url = settings.REDIS_URL
    if url not in _watches:
        _watches[url] = _Watch(url) if url else _NoWatch()
    return _watches[url]
