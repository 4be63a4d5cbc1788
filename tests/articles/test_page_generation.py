"""Several servers over one Redis: a change announced by another server reaches this server's readers at once.

Each process keeps the pages it served; the page generation, announced on a Redis channel and checked
against the shared key at least once a second (articles/generation.py), decides whether they are current.
These tests run a real redis-server and announce changes from a real second Python process.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.test import Client, override_settings

from articles import generation
from articles.models import Topic
from tests.factories import make_approved_article, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.once]

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port):
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port, socket_timeout=0.5)
    for _ in range(100):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture
def shared_redis():
    """A redis-server of our own, used as the cache and the generation channel, as in production."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: scripts/setup.sh installs the Debian package redis-server as root.")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = {"process": start_redis(port), "port": port, "url": url}
    caches = {"default": {"BACKEND": "qa_site.resilient_cache.ResilientRedisCache", "LOCATION": url,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}  # fmt: skip
    with override_settings(REDIS_URL=url, CACHES=caches):
        yield server
    server["process"].kill()
    server["process"].wait()


def another_server(url, code):
    """Run `code` in a separate Django process on the same Redis, as a second app server would."""
    env = {**os.environ, "REDIS_URL": url, "DJANGO_SETTINGS_MODULE": "qa_site.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, check=True, timeout=60)


def served(article):
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response["X-Page-Cache"], response.content.decode()


def test_a_change_announced_by_another_server_is_served_at_once(shared_redis, monkeypatch):
    """Only the announcement can tell this process: its once-a-second check of the key is switched off."""
    monkeypatch.setattr(generation, "CONFIRM_EVERY", 3600)
    article = make_approved_article(guidelines="Shared answer.", topic=make_topic("Old topic name"))
    served(article)
    assert served(article)[0] == "hit"

    Topic.objects.filter(pk=article.topic_id).update(name="New topic name")  # written by the other server
    another_server(shared_redis["url"], "from articles.generation import bump_generation; bump_generation()")

    state, html = served(article)
    assert state == "miss" and "New topic name" in html and "Old topic name" not in html
    assert served(article)[0] == "hit"


def test_a_lost_announcement_costs_at_most_the_check_interval(shared_redis, monkeypatch):
    """Another server changed the key but its announcement never arrived: the periodic check finds it."""
    monkeypatch.setattr(generation, "CONFIRM_EVERY", 0.3)
    article = make_approved_article(guidelines="Shared answer.", topic=make_topic("Old topic name"))
    served(article)
    assert served(article)[0] == "hit"
    Topic.objects.filter(pk=article.topic_id).update(name="New topic name")
    another_server(
        shared_redis["url"],
        "import time; from django.core.cache import cache; from articles.generation import GENERATION_KEY; "
        "cache.set(GENERATION_KEY, time.time_ns(), timeout=None)",
    )
    time.sleep(0.4)
    state, html = served(article)
    assert state == "miss" and "New topic name" in html


def test_after_a_redis_restart_no_old_copy_is_served(shared_redis):
    """A restarted (empty) Redis: the subscription is gone and the key is new, so the process copy is dropped."""
    article = make_approved_article(guidelines="Shared answer.", topic=make_topic("Old topic name"))
    served(article)
    assert served(article)[0] == "hit"

    shared_redis["process"].kill()
    shared_redis["process"].wait()
    Topic.objects.filter(pk=article.topic_id).update(name="New topic name")
    shared_redis["process"] = start_redis(shared_redis["port"])

    state, html = served(article)
    assert state == "miss" and "New topic name" in html


def test_publishing_here_tells_the_other_servers(shared_redis):
    """A change made in this process is announced on the channel the other servers listen to."""
    listener = redis.Redis.from_url(shared_redis["url"]).pubsub()
    listener.subscribe(generation.CHANNEL)
    assert listener.get_message(timeout=2)["type"] == "subscribe"

    generation.bump_generation()

    message = listener.get_message(timeout=2)
    assert message["type"] == "message" and int(message["data"]) == generation.current_generation()
    listener.close()
