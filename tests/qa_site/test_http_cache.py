"""HTTP caching: every public page is shareable (public, s-maxage, ETag, 304, no cookie, no token); personal answers are not."""

import pytest
from django.test import Client

from reviews.models import BoardMember
from tests.factories import make_approved_article, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """An approved article on a topic, and a board member, so every public page has content."""
    topic = make_topic("Migraine")
    article = make_approved_article("What causes migraine headaches?", guidelines="Triggers vary.", topic=topic)
    BoardMember.objects.create(name="Dr Cache Test", credentials="MD", specialty="Neurology")
    return {
        "article": article.get_absolute_url(),
        "home": "/",
        "topic": f"/topics/{topic.slug}/",
        "board": "/medical-advisory-board/",
        "policy": "/editorial-policy/",
        "disclaimer": "/disclaimer/",
        "search": "/search/?q=migraine",
        "feed": "/feeds/approved/",
        "sitemap": "/sitemap.xml",
    }


def cache_control(response):
    """Cache-Control as a dict of directive -> value (True for flags)."""
    directives = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        directives[name] = int(value) if value else True
    return directives


@pytest.mark.parametrize("page", ["article", "home", "topic", "board", "policy", "disclaimer", "search", "feed", "sitemap"])
def test_public_pages_are_shareable_and_answer_304(site, page):
    """An anonymous reader gets Cache-Control public with a longer s-maxage, an ETag, no cookie, and 304 when unchanged."""
    response = Client().get(site[page])
    assert response.status_code == 200
    directives = cache_control(response)
    assert directives["public"] is True and "private" not in directives and "no-store" not in directives
    assert 0 < directives["max-age"] <= directives["s-maxage"]
    assert "Cookie" in response["Vary"]  # the audience cookie, the one cookie a cache keeps
    assert not response.cookies, f"{page} sets {list(response.cookies)}"
    assert "csrfmiddlewaretoken" not in response.content.decode()
    etag = response["ETag"]
    again = Client().get(site[page], HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_search_results_are_cached_only_briefly(site, settings):
    """Search results change with every publication: shared caches keep them for a minute, articles for longer."""
    search = cache_control(Client().get(site["search"]))
    article = cache_control(Client().get(site["article"]))
    assert search["s-maxage"] == settings.SEARCH_CACHE_SECONDS < article["s-maxage"] == settings.HTTP_CACHE_S_MAXAGE


def test_each_audience_gets_its_own_etag(site):
    """A patient's copy and the default copy are different representations, each with its own validator."""
    patient = Client()
    patient.cookies["audience"] = "patient"
    default = Client().get(site["article"])
    theirs = patient.get(site["article"])
    assert default["ETag"] != theirs["ETag"]
    assert patient.get(site["article"], HTTP_IF_NONE_MATCH=default["ETag"]).status_code == 200


@pytest.mark.parametrize("page", ["article", "home", "board"])
def test_staff_pages_are_private_and_never_stored(site, page):
    """A signed-in editor's view of any page is private, no-store: no cache may hand it to a reader."""
    client = Client()
    client.force_login(make_user(perms=["articles.view_article"]))
    response = client.get(site[page])
    directives = cache_control(response)
    assert directives.get("private") is True and directives.get("no-store") is True and "public" not in directives


def test_the_admin_is_never_cacheable(db):
    """The admin login page carries a CSRF token and cookie: it is never public."""
    response = Client().get("/admin/login/")
    assert "public" not in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_setting_an_audience_is_private_and_not_cached(site):
    """The personalize answer sets a cookie: private, no-store, so no cache replays it to someone else."""
    response = Client().post("/personalize/", {"audience": "patient", "next": "/"}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302 and response.cookies["audience"].value == "patient"
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
