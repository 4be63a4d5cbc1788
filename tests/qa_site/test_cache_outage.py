"""A cache outage costs speed, never a page: Redis unreachable, readers still get every page."""

import logging

import pytest
from django.test import Client, override_settings

from articles.models import Status
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a real Redis client gets "connection refused", as when Redis is stopped.
DOWN = "redis://127.0.0.1:1/0"


def redis_cache(backend):
    return {"default": {"BACKEND": backend, "LOCATION": DOWN, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@pytest.fixture
def pages():
    topic = make_topic("Endocrinology")
    article = make_article(status=Status.APPROVED, topic=topic, question="How is an underactive thyroid treated?",
                           guidelines="Levothyroxine, adjusted to TSH.")
    return {"/": "How is an underactive thyroid treated?", article.get_absolute_url(): "Levothyroxine, adjusted to TSH.",
            "/search/?q=thyroid": "How is an underactive", topic.get_absolute_url(): "How is an underactive"}


def test_pages_render_without_redis_and_the_outage_is_logged_once(pages, caplog):
    """With REDIS_URL's server down, home, article, search and topic pages answer 200 with their content."""
    caplog.set_level(logging.ERROR, logger="qa_site.cache")
    with override_settings(CACHES=redis_cache("qa_site.resilient_cache.ResilientRedisCache")):
        client = Client()
        for _ in range(3):
            for path, text in pages.items():
                response = client.get(path)
                assert response.status_code == 200, path
                assert text in response.content.decode(), path
    lines = [r.getMessage() for r in caplog.records if r.name == "qa_site.cache"]
    assert len(lines) == 1 and "unavailable, serving without it" in lines[0] and "ConnectionError" in lines[0]


def test_django_plain_redis_backend_would_fail_the_page(pages):
    """The reason for the wrapper: Django's own RedisCache turns the same outage into a 500."""
    with override_settings(CACHES=redis_cache("django.core.cache.backends.redis.RedisCache")):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
