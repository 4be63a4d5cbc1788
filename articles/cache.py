"""
The application's own copy of public pages, for when no shared cache stands in front (scripts/serve)
and to spare the database behind one (each server shares it through Redis).

``PageCacheMiddleware`` sits just below whitenoise: a GET or HEAD from a reader with no session
is answered from the cache before sessions, CSRF or authentication run, and without a database
query. What it stores is exactly what a shared cache may store: a 200 answer that
``articles.http_cache`` marked ``Cache-Control: public`` (so never a page with a cookie, a
message or a signed-in user), keyed by path, query string and the reader's audience, for
``s-maxage`` seconds.

Freshness: every stored page carries the site's *generation*, one number in the cache. Anything
that changes what readers see bumps it — ``articles.signals.publication_changed`` (approval, an
update going live, withdrawal, topic change), a related-question link, a topic rename, a board
member change (``reviews``), a search synonym — at once and again after the commit, so no reader re-stores the old
page in between. Publishing is rare beside reading, so dropping every page at once is simpler
than tracking which lists show what.

Each process also keeps the pages it served last in memory (``_Recent``), tagged with the
generation they were stored under: a hit then costs no page transfer. With Redis, each process
hears of a new generation through a subscription and confirms it against the shared key at
least once a second (``articles.generation``), so a hit usually costs no round trip at all and
two servers never disagree about what is current; a local copy also expires with its shared one.
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from .audience import audience_of
from .generation import bump_generation, current_generation
from .http_cache import is_personal
from .models import RelatedQuestion, SearchSynonym, Topic
from .signals import publication_changed

MAX_KEY_URL = 300  # longer addresses (odd search queries) are served, never stored
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "Vary", "ETag", "Last-Modified", "Content-Language")


class _Recent:
    """The most recently served pages of this process, at most MAX_BYTES of them, thread-safe."""

    MAX_BYTES = 32 * 1024 * 1024

    def __init__(self):
        self._pages, self._bytes, self._lock = OrderedDict(), 0, threading.Lock()

    def get(self, key, generation):
        with self._lock:
            stored = self._pages.get(key)
            if stored is None:
                return None
            if stored[0] != generation or stored[1] < time.monotonic():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return stored[2]

    def put(self, key, generation, page):
        if generation == -1:
            return  # the shared cache is unreachable: no publication could reach this copy
        size = len(page[2])
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (generation, time.monotonic() + settings.HTTP_CACHE_S_MAXAGE, page, size)
            self._bytes += size
            while self._bytes > self.MAX_BYTES and self._pages:
                self._drop(next(iter(self._pages)))

    def _drop(self, key):
        self._bytes -= self._pages.pop(key)[3]


_recent = _Recent()


def page_key(request):
    """The cache key of one public page as one audience sees it (long addresses by their digest)."""
    path = request.get_full_path()
    if len(path) > 150:  # keys stay short enough for any cache backend (memcached: 250)
        path = "sha256:" + hashlib.sha256(path.encode()).hexdigest()
    return f"pages:{audience_of(request)}:{path}"


def pages_changed():
    """Published content changed: stale now, and once more when the transaction commits."""
    bump_generation()
    transaction.on_commit(bump_generation)


def _lookup_allowed(request):
    return (
        request.method in ("GET", "HEAD")
        and len(request.get_full_path()) <= MAX_KEY_URL
        and not is_personal(request)
        and not request.path.startswith("/admin/")
    )


class PageCacheMiddleware:
    """Serve anonymous readers' public pages from the shared Django cache; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _lookup_allowed(request):
            return self.get_response(request)
        key = page_key(request)
        generation = current_generation()
        page = _recent.get(key, generation)
        if page is not None:
            return self._replay(request, page)
        stored = cache.get(key)
        if stored is not None and stored[0] == generation:
            _recent.put(key, generation, stored)
            return self._replay(request, stored)
        response = self.get_response(request)
        if self._storable(request, response):
            headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
            page = (generation, headers, response.content)
            cache.set(key, page, timeout=settings.HTTP_CACHE_S_MAXAGE)
            _recent.put(key, generation, page)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(request, response):
        return (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "public" in response.get("Cache-Control", "")
            and not is_personal(request)
        )

    @staticmethod
    def _replay(request, stored):
        _, headers, content = stored
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        # A matching If-None-Match gets 304 without the body, as from ConditionalGetMiddleware.
        return get_conditional_response(request, etag=headers.get("ETag"), response=response)


@receiver(publication_changed, dispatch_uid="articles.cache.publication_changed")
def _published_state_changed(sender, article_ids, **kwargs):
    pages_changed()


@receiver([post_save, post_delete], sender=RelatedQuestion, dispatch_uid="articles.cache.related_changed")
def _related_changed(sender, instance, **kwargs):
    # Editors' related links are not a review move, so no publication_changed: the link itself says it.
    pages_changed()


@receiver(post_save, sender=Topic, dispatch_uid="articles.cache.topic_changed")
def _topic_changed(sender, instance, **kwargs):
    # Its name shows on its articles' pages, the home page and its own page.
    pages_changed()


@receiver([post_save, post_delete], sender=SearchSynonym, dispatch_uid="articles.cache.synonyms_changed")
def _synonyms_changed(sender, instance, **kwargs):
    # Search results change with the synonym list (stored search pages would keep the old answer).
    pages_changed()
