"""(f) Time from article_approve to the approved page being served through Varnish.

Usage (with the stack's environment): python bench/approval_latency.py http://127.0.0.1:6085 -> JSON on stdout.
Takes MedQuAD articles pending review, has each one cached in Varnish with its pending banner, approves it
through reviews.services as a bench reviewer, and polls Varnish every 5 ms until the banner is gone.
"""

import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

from articles.models import Article, Status  # noqa: E402
from articles.purge import wait_for_purges  # noqa: E402
from reviews import services  # noqa: E402
from reviews.models import BoardMember  # noqa: E402

BANNER = b"pending human review"


def reviewer():
    """A staff account in Medical reviewers with a board member profile (the benchmark's own, not a demo reader)."""
    user, _ = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    BoardMember.objects.get_or_create(user=user, defaults={"name": "Bench Reviewer", "credentials": "MD"})
    return get_user_model().objects.get(pk=user.pk)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache", ""), response.read()


def measure(base, article, user):
    url = base + article.get_absolute_url()
    fetch(url)
    cached, body = fetch(url)
    assert BANNER in body, "the article should be pending before approval"
    article = services.article_start_review(article=article, user=user)
    wait_for_purges()
    fetch(url)  # the start of review purged it too: cache it again before timing the approval
    cached, body = fetch(url)
    started = time.perf_counter()
    services.article_approve(article=article, user=user)
    while True:
        _, body = fetch(url)
        if BANNER not in body:
            return cached, (time.perf_counter() - started) * 1000
        if time.perf_counter() - started > 30:
            return cached, None
        time.sleep(0.005)


def main(base, count=5):
    user = reviewer()
    pending = list(Article.objects.public().filter(status=Status.SUBMITTED).order_by("pk")[:count])
    results = [measure(base, article, user) for article in pending]
    wait_for_purges()
    timings = [ms for _, ms in results if ms is not None]
    print(
        json.dumps(
            {
                "approvals": len(results),
                "cached_before": sum(cached == "hit" for cached, _ in results),
                "never_visible_within_30_s": len(results) - len(timings),
                "max_ms": round(max(timings), 1) if timings else None,
                "median_ms": round(sorted(timings)[len(timings) // 2], 1) if timings else None,
                "all_ms": [round(ms, 1) for ms in timings],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
