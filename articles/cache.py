"""
The article page cache for anonymous readers.

Choice: the whole rendered page is cached, but never a reader's CSRF token. When a
page is stored, each CSRF token in it is swapped for a placeholder; every reader
then gets the placeholder replaced by a token of their own (``get_token``, which
also sets their CSRF cookie), so forms on a cached page (follow-up question,
personalize) stay valid for everyone. Pages holding a token we cannot find, pages
with messages, responses setting cookies, POSTs, query strings, logged-in users and
any request carrying a session cookie are never cached.

Freshness comes from the key, not from expiry: it holds the article's published state
(status, live, current and published revision, review dates, published topic), today's date,
the reader's audience, and a version of the related-questions list that changes on every
RelatedQuestion save/delete, whenever reviews.services announces a change to a linked article
(articles.signals.publication_changed), and when the article's topic is renamed. The editors'
working copy is not in the key: saving a draft never changes what readers are served.
Approval, an edit going live or a related-list change therefore shows at once.
A short timeout (the PAGE_CACHE_SECONDS setting, default 10 minutes) bounds anything the key
cannot see, such as a board member being deactivated (the reviewer link loses its anchor).
"""

import functools
import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .audience import audience_of
from .models import Article, RelatedQuestion, Topic
from .signals import publication_changed

CSRF_PLACEHOLDER = "csrf-token-placeholder-4e1f0c2b"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# Every field of the article row the page shows; a change to any of them changes the key.
PAGE_STATE_FIELDS = (
    "pk", "status", "live_revision_id", "current_revision_id", "published_revision_id", "last_reviewed_at",
    "last_reviewed_by_id", "last_reviewed_by_display", "next_review_due", "published_topic_id",
)  # fmt: skip


_SLUG_MARK = "\x00slug"


@functools.cache
def _page_state_sql(alias):
    # Compiled once: on a cache hit this query is most of the work left, so skip the ORM.
    # No join and no ordering keep PostgreSQL's planning short too.
    queryset = Article.objects.public().filter(slug=_SLUG_MARK).order_by().values_list(*PAGE_STATE_FIELDS)[:1]
    return queryset.query.get_compiler(using=alias).as_sql()


def page_state(slug):
    """The stored state of a public article that its page shows, or None."""
    alias = router.db_for_read(Article)
    sql, params = _page_state_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [slug if param == _SLUG_MARK else param for param in params])
        return cursor.fetchone()


def page_cache_seconds():
    return settings.PAGE_CACHE_SECONDS


def _related_version_key(article_id):
    return f"articles:related-version:{article_id}"


def bump_related_version(*article_ids):
    """Make the cached pages of these articles stale: their related list changed."""
    version = time.time_ns()
    cache.set_many({_related_version_key(pk): version for pk in article_ids}, timeout=None)


def page_key(state, audience, related_version):
    """The cache key of one article page as one audience sees it."""
    raw = "|".join(str(value) for value in (*state, audience, related_version))
    return "articles:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD") or request.GET:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged in, or a reader with something of their own in the session
    if request.user.is_authenticated:
        return False  # staff see drafts and their own messages: never share their pages
    return len(get_messages(request)) == 0  # len() leaves the messages unread


def _storable(request, response):
    """The page with each CSRF token replaced by the placeholder, or None if it must not be shared."""
    if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
        return None
    if len(get_messages(request)):
        return None
    html = response.content.decode(response.charset)
    tokens = set(_CSRF_INPUT.findall(html))
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not tokens:
        return None  # a token went somewhere other than a form field: it cannot be swapped
    for token in tokens:
        html = html.replace(token, CSRF_PLACEHOLDER)
    return html


def _personal_copy(request, html):
    """The shared page with this reader's own CSRF token in each form."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return html


def cache_article_page(view):
    """Serve anonymous readers of an article from the cache; see the module docstring."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, slug, *args, **kwargs)
        state = page_state(slug)
        if state is None:
            return view(request, slug, *args, **kwargs)  # the view answers with its 404
        related_version = cache.get(_related_version_key(state[0]), 0)
        # Today's date too: the page marks a review "(overdue)" from the day after it was due.
        key = page_key((*state, timezone.localdate()), audience_of(request), related_version)
        html = cache.get(key)
        if html is not None:
            response = HttpResponse(_personal_copy(request, html))
            patch_vary_headers(response, ["Cookie"])  # the text depends on the audience cookie, as in the view
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, slug, *args, **kwargs)
        stored = _storable(request, response)
        if stored is not None:
            cache.set(key, stored, timeout=page_cache_seconds())
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper


@receiver([post_save, post_delete], sender=RelatedQuestion, dispatch_uid="articles.cache.related_changed")
def _related_changed(sender, instance, **kwargs):
    # Deleting an article deletes the links to it (CASCADE), which lands here too.
    bump_related_version(instance.article_id)


@receiver(publication_changed, dispatch_uid="articles.cache.publication_changed")
def _published_state_changed(sender, article_ids, **kwargs):
    # Their published question and status show in other articles' related lists: those pages go stale.
    # (Their own pages need nothing: their state is in the key.) After commit, so no reader re-caches
    # the old list between the bump and the commit.
    ids = list(article_ids)

    def bump():
        linking = set(RelatedQuestion.objects.filter(related_id__in=ids).values_list("article_id", flat=True))
        if linking:
            bump_related_version(*linking)

    transaction.on_commit(bump)


@receiver(post_save, sender=Topic, dispatch_uid="articles.cache.topic_changed")
def _topic_changed(sender, instance, **kwargs):
    # Its name shows on each of its articles' pages (renaming a topic is rare).
    bump_related_version(*instance.published_articles.values_list("pk", flat=True))
