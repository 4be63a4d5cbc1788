"""Shared caches are purged on every publishing event, through a real local HTTP server standing in for Varnish."""

import logging
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import RelatedQuestion, Topic
from articles.purge import wait_for_purges
from reviews.models import BoardMember
from tests.factories import approve_current, edit_article, make_approved_article, make_article, make_topic

pytestmark = pytest.mark.django_db


class FakeCache(ThreadingHTTPServer):
    """Records each BAN's X-Ban-Url; answers `failures` 503s first, as a cache restarting would."""

    daemon_threads = True

    def __init__(self, failures=0):
        super().__init__(("127.0.0.1", 0), _BanHandler)
        self.bans, self.attempts, self.failures = [], 0, failures
        self.received = []  # (monotonic time, X-Ban-Url) of each ban taken

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _BanHandler(BaseHTTPRequestHandler):
    def do_BAN(self):  # noqa: N802  (the HTTP method's name)
        self.server.attempts += 1
        if self.server.attempts <= self.server.failures:
            self.send_response(503)
        else:
            self.server.bans.append(self.headers["X-Ban-Url"])
            self.server.received.append((time.monotonic(), self.headers["X-Ban-Url"]))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_cache(settings):
    """Two caches listed in CACHE_PURGE_URLS, each a real HTTP server on a free loopback port."""
    caches = [FakeCache(), FakeCache()]
    for cache in caches:
        threading.Thread(target=cache.serve_forever, daemon=True).start()
    settings.CACHE_PURGE_URLS = [cache.url for cache in caches]
    settings.CACHE_PURGE_BACKOFF = 0.01
    settings.CACHE_PURGE_REPEAT_AFTER = 0  # one ban per change, so each test sees exactly its own
    yield caches
    for cache in caches:
        cache.shutdown()
        cache.server_close()


def purged(fake_cache):
    """The ban patterns every listed cache received (all caches must agree)."""
    assert wait_for_purges()
    first, *others = [cache.bans for cache in fake_cache]
    for other in others:
        assert other == first
    bans = list(first)
    for cache in fake_cache:
        cache.bans.clear()
    return bans


def bans_path(bans, path):
    return any(re.search(pattern, path) for pattern in bans)


def test_approval_purges_the_article_and_the_lists(fake_cache, django_capture_on_commit_callbacks):
    """Approving an article bans its page, home, topics, search and the feed — and not unrelated articles."""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("Does coffee raise blood pressure?", guidelines="Briefly.")
        other = make_approved_article("How is gout treated?", guidelines="Urate lowering.")
    purged(fake_cache)
    with django_capture_on_commit_callbacks(execute=True):
        approve_current(article)
    bans = purged(fake_cache)
    for path in (article.get_absolute_url(), "/", "/?page=2", "/topics/x/", "/search/?q=coffee", "/feeds/approved/", "/sitemap.xml"):
        assert bans_path(bans, path), path
    assert not bans_path(bans, other.get_absolute_url())


def test_an_update_going_live_purges_pages_listing_it_as_related(fake_cache, django_capture_on_commit_callbacks):
    """An article whose related list shows the updated one is purged too."""
    article = make_approved_article("Which vaccines protect against shingles?", guidelines="Zoster.")
    linking = make_approved_article("Who should get the shingles vaccine?", guidelines="Adults.")
    RelatedQuestion.objects.create(article=linking, related=article)
    edit_article(article, guidelines="Updated advice.")
    purged(fake_cache)  # nothing was committed yet in this test's transaction
    with django_capture_on_commit_callbacks(execute=True):
        approve_current(article)
    bans = purged(fake_cache)
    assert bans_path(bans, article.get_absolute_url()) and bans_path(bans, linking.get_absolute_url())


def test_related_topic_and_board_changes_purge(fake_cache, django_capture_on_commit_callbacks):
    """Editors' related links, a topic rename and a board member change each purge what shows them."""
    article = make_approved_article("What is a migraine aura?", guidelines="Visual symptoms.")
    other = make_approved_article("What triggers migraines?", guidelines="Many things.")
    with django_capture_on_commit_callbacks(execute=True):
        RelatedQuestion.objects.create(article=article, related=other)
    assert bans_path(purged(fake_cache), article.get_absolute_url())

    topic = make_topic("Headache")
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.filter(pk=topic.pk).update(name="Headaches")
        topic.refresh_from_db()
        topic.save()
    assert bans_path(purged(fake_cache), "/articles/anything/")

    with django_capture_on_commit_callbacks(execute=True):
        BoardMember.objects.create(name="Dr New Member", credentials="MD", specialty="Neurology")
    assert bans_path(purged(fake_cache), "/medical-advisory-board/")


def test_a_failing_cache_is_retried_and_never_fails_the_save(settings, django_capture_on_commit_callbacks, caplog):
    """A cache answering 503 twice gets the ban on the third try; an unreachable one is logged, and approval still succeeds."""
    flaky = FakeCache(failures=2)
    threading.Thread(target=flaky.serve_forever, daemon=True).start()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    settings.CACHE_PURGE_URLS = [flaky.url, dead]
    settings.CACHE_PURGE_BACKOFF, settings.CACHE_PURGE_RETRIES, settings.CACHE_PURGE_REPEAT_AFTER = 0.01, 2, 0
    article = make_article("Is a purge failure visible to editors?", guidelines="No.")
    with caplog.at_level(logging.WARNING, logger="articles.purge"), django_capture_on_commit_callbacks(execute=True):
        approved = approve_current(article)
    assert wait_for_purges()
    flaky.shutdown()
    flaky.server_close()
    assert approved.status == "approved"
    assert flaky.attempts == len(flaky.bans) + 2  # the two 503s were retried, then every ban got through
    assert bans_path(flaky.bans, article.get_absolute_url())
    assert any(record.levelname == "ERROR" and dead in record.getMessage() for record in caplog.records)


def test_each_ban_is_sent_again_after_a_pause(fake_cache, settings, django_capture_on_commit_callbacks):
    """A page read from the database just before approval may reach the cache just after the ban: the second ban drops it."""
    settings.CACHE_PURGE_REPEAT_AFTER = 1.0
    article = make_article("Is a second ban sent?", guidelines="Yes.")
    approved_at = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        approve_current(article)
    assert wait_for_purges()
    for cache in fake_cache:
        patterns = set(cache.bans)
        assert bans_path(patterns, article.get_absolute_url())
        for pattern in patterns:  # each ban sent again, the second time after the pause, however busy the machine
            times = [at for at, banned in cache.received if banned == pattern]
            assert len(times) % 2 == 0
            assert sum(at >= approved_at + 1.0 for at in times) >= len(times) // 2


def test_no_purge_without_caches(settings, django_capture_on_commit_callbacks):
    """scripts/serve lists no cache: publishing works and queues nothing."""
    settings.CACHE_PURGE_URLS = []
    with django_capture_on_commit_callbacks(execute=True):
        approved = approve_current(make_article("Without Varnish?", guidelines="Fine."))
    assert approved.status == "approved"
    assert wait_for_purges(timeout=0.1)  # nothing was queued
