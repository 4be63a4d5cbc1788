"""
Purging shared caches (Varnish, or anything that speaks BAN) when published content changes.

Each change becomes one ``BAN`` request per cache in the ``CACHE_PURGE_URLS`` setting, with an
``X-Ban-Url`` header holding a regular expression of the paths to drop (deploy/varnish/default.vcl
turns it into a ban on ``obj.http.x-url``). Bans are sent after the transaction commits, by one
background thread per process: the editor's save never waits for a cache and never fails because
of one. A cache that does not answer 2xx is retried with backoff (``CACHE_PURGE_RETRIES`` times);
a purge that still fails is logged as an error, and the page then ages out within its s-maxage.

Each ban is sent once more ``CACHE_PURGE_REPEAT_AFTER`` seconds later. A reader's request that
read the database just before the commit can reach the cache just after the ban, and a ban only
drops what is already stored: without the second one that old page would stay for its s-maxage.
"""

import atexit
import logging
import queue
import re
import threading
import time
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Article, RelatedQuestion, SearchSynonym, Topic
from .signals import publication_changed

log = logging.getLogger(__name__)

EVERYTHING = "^/"
# The lists every article may appear in: home, topics, search, feeds, the sitemap.
LISTS = r"^/($|\?|topics/|search/|feeds/|sitemap\.xml)"
MAX_SLUGS = 50  # beyond this one ban of everything is shorter than a long pattern (Varnish limits header size)

_queue = queue.Queue()
_worker = None
_worker_lock = threading.Lock()


def articles_pattern(slugs):
    """The ban pattern for these articles' pages and every list they may appear in."""
    slugs = sorted(set(slugs))
    if not slugs or len(slugs) > MAX_SLUGS:
        return EVERYTHING if slugs else LISTS
    return rf"^/articles/({'|'.join(re.escape(slug) for slug in slugs)})/|{LISTS}"


def purge(pattern):
    """Ban the paths matching `pattern` in every cache of CACHE_PURGE_URLS, once the transaction commits."""
    if settings.CACHE_PURGE_URLS:
        transaction.on_commit(lambda: _enqueue(pattern))


def _enqueue(pattern):
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="cache-purge", daemon=True)
            _worker.start()
            # A management command (import, load_demo) exits right after its last save: send its purges first.
            atexit.register(wait_for_purges, 15.0)
    for url in settings.CACHE_PURGE_URLS:
        _queue.put((url, pattern))
    if settings.CACHE_PURGE_REPEAT_AFTER > 0:
        _repeats.append(pattern)
        repeat = threading.Timer(settings.CACHE_PURGE_REPEAT_AFTER, _repeat, (pattern, list(settings.CACHE_PURGE_URLS)))
        repeat.daemon = True
        repeat.start()


_repeats = []  # patterns waiting for their second ban


def _repeat(pattern, urls):
    for url in urls:
        _queue.put((url, pattern))
    _repeats.remove(pattern)


def wait_for_purges(timeout=10.0):
    """Block until every queued purge, repeats included, was sent or given up (tests, the benchmark, shutdown)."""
    deadline = time.monotonic() + timeout
    while (_queue.unfinished_tasks or _repeats) and time.monotonic() < deadline:
        time.sleep(0.01)
    return _queue.unfinished_tasks == 0 and not _repeats


def send_ban(url, pattern, timeout=2.0):
    """One BAN request; returns the HTTP status (raises OSError when the cache cannot be reached)."""
    request = urllib.request.Request(url, method="BAN", headers={"X-Ban-Url": pattern})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def _work():
    while True:
        url, pattern = _queue.get()
        try:
            _send_with_retries(url, pattern)
        finally:
            _queue.task_done()


def _send_with_retries(url, pattern):
    retries = settings.CACHE_PURGE_RETRIES
    for attempt in range(retries + 1):
        try:
            status = send_ban(url, pattern)
            if 200 <= status < 300:
                return True
            problem = f"HTTP {status}"
        except OSError as error:  # refused, timed out, or an HTTP error status
            problem = str(error)
        if attempt < retries:
            log.warning("Cache purge of %s at %s failed (%s); retrying", pattern, url, problem)
            time.sleep(settings.CACHE_PURGE_BACKOFF * 2**attempt)
    log.error("Cache purge of %s at %s failed %d times (%s); pages age out by s-maxage", pattern, url, retries + 1, problem)
    return False


@receiver(publication_changed, dispatch_uid="articles.purge.publication_changed")
def _published_state_changed(sender, article_ids, **kwargs):
    ids = list(article_ids)
    if not settings.CACHE_PURGE_URLS or not ids:
        return
    # Their own pages, and the pages listing them as related questions.
    linking = RelatedQuestion.objects.filter(related_id__in=ids).values_list("article_id", flat=True)
    slugs = Article.objects.filter(pk__in=[*ids, *linking]).values_list("slug", flat=True)
    purge(articles_pattern(slugs[: MAX_SLUGS + 1]))


@receiver([post_save, post_delete], sender=RelatedQuestion, dispatch_uid="articles.purge.related_changed")
def _related_changed(sender, instance, **kwargs):
    if settings.CACHE_PURGE_URLS:
        purge(articles_pattern(Article.objects.filter(pk=instance.article_id).values_list("slug", flat=True)))


@receiver(post_save, sender=Topic, dispatch_uid="articles.purge.topic_changed")
def _topic_changed(sender, instance, **kwargs):
    purge(EVERYTHING)  # a topic's name shows on each of its articles' pages; renames are rare


@receiver([post_save, post_delete], sender=SearchSynonym, dispatch_uid="articles.purge.synonyms_changed")
def _synonyms_changed(sender, instance, **kwargs):
    purge(r"^/search/")
