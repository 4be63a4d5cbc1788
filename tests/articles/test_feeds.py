"""The sitemap and the feed list only approved articles."""

import pytest

from articles.models import Status
from tests.factories import make_approved_article, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return {
        "approved": make_approved_article("An approved question?", guidelines="Reviewed.", summary="Reviewed summary."),
        "pending": make_article("A pending question?", guidelines="Not yet reviewed."),
        "draft": make_article("A private draft?", status=Status.DRAFT, guidelines="Private."),
    }


def test_sitemap_lists_approved_articles_only(client, articles):
    body = client.get("/sitemap.xml").content.decode()
    assert articles["approved"].get_absolute_url() in body
    assert articles["pending"].get_absolute_url() not in body
    assert articles["draft"].get_absolute_url() not in body
    assert "/editorial-policy/" in body


def test_feed_lists_newly_approved_articles(client, articles):
    response = client.get("/feeds/approved/")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "An approved question?" in body and "Reviewed summary." in body
    assert "A pending question?" not in body and "A private draft?" not in body


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "/sitemap.xml" in body
