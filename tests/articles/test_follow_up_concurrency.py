"""The follow-up rate limit holds when one reader's posts arrive at the same moment (live server, PostgreSQL)."""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.db import connection

from articles.models import FollowUpQuestion, Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESSES = [f"203.0.113.{n}" for n in range(1, 7)]
POSTS_PER_ADDRESS = 9


def post_follow_up(url, origin, address, barrier, results):
    """One reader's post, sent when every thread is ready (as a browser sends it: with the page's Origin)."""
    body = urllib.parse.urlencode({"text": f"Is it safe from {address}?", "website": ""}).encode()
    request = urllib.request.Request(url, data=body, headers={"Origin": origin, "X-Real-IP": address})
    barrier.wait()
    for _ in range(20):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results.append((address, response.status))
        except urllib.error.HTTPError as error:
            results.append((address, error.code))
        except (ConnectionResetError, urllib.error.URLError):
            # The test server's listen queue is short: a refused connection never reached Django, so try again.
            time.sleep(0.05)
            continue
        return


def test_simultaneous_posts_store_at_most_the_limit_per_address(live_server, settings):
    """54 posts at once from 6 addresses: exactly 5 stored per address, the rest refused with 429, none failed.

    A stored question redirects to its result page (POST/redirect/GET), which urllib follows: 200.
    """
    if connection.vendor != "postgresql":
        pytest.skip("Simultaneous writers need PostgreSQL (SQLite has one writer); runs in the PostgreSQL pass.")
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.FOLLOW_UP_RATE_LIMIT = 5
    article = make_article(status=Status.APPROVED, guidelines="Text.")
    page_url = live_server.url + article.get_absolute_url()
    with urllib.request.urlopen(page_url) as response:  # the page any reader gets: no token, no cookie
        action = re.search(r'<form[^>]+action="([^"]*follow-up[^"]*)"', response.read().decode()).group(1)
        assert response.headers.get_all("Set-Cookie") is None
    results = []
    barrier = threading.Barrier(len(ADDRESSES) * POSTS_PER_ADDRESS)
    threads = [
        threading.Thread(target=post_follow_up, args=(live_server.url + action, live_server.url, address, barrier, results))
        for address in ADDRESSES for _ in range(POSTS_PER_ADDRESS)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = Counter(status for _, status in results)
    assert statuses == {200: 5 * len(ADDRESSES), 429: (POSTS_PER_ADDRESS - 5) * len(ADDRESSES)}, statuses
    stored = Counter(FollowUpQuestion.objects.values_list("text", flat=True))
    assert sorted(stored.values()) == [5] * len(ADDRESSES)
