"""The article page cache: anonymous readers share a page, and every change readers should see shows at once."""

import re

import pytest
from django.contrib.messages import constants
from django.test import Client
from django.utils import timezone

from articles.models import RelatedQuestion
from tests.factories import approve_current, edit_article, make_approved_article, make_article, make_user

pytestmark = pytest.mark.django_db


def get_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def without_csrf_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def publish_edit(article, text):
    """An editor's change approved by the board: a new revision goes live."""
    edit_article(article, guidelines=text)
    approve_current(article)


def test_a_second_anonymous_reader_is_served_from_the_cache(client, django_assert_max_num_queries):
    """The second view of the page costs one small query instead of rendering again."""
    article = make_approved_article(guidelines="Cached answer.")
    first = get_page(client, article)
    with django_assert_max_num_queries(1):
        second = get_page(Client(), article)
    assert "Cached answer." in second
    assert without_csrf_tokens(second) == without_csrf_tokens(first)  # the same page, each reader's own token


def test_an_edit_going_live_shows_at_once():
    """After approval of an edit, the very next reader sees the new text, not the cached page."""
    article = make_approved_article(guidelines="Old advice.")
    assert "Old advice." in get_page(Client(), article)
    publish_edit(article, "New advice after review.")
    html = get_page(Client(), article)
    assert "New advice after review." in html and "Old advice." not in html


def test_approval_shows_at_once():
    """A pending article's banner goes as soon as the board approves it."""
    article = make_article(guidelines="An answer.")
    assert "pending human review" in get_page(Client(), article)
    approve_current(article)
    assert "pending human review" not in get_page(Client(), article)


def test_related_list_changes_show_at_once(django_capture_on_commit_callbacks):
    """Adding, renaming and removing a related question are all visible on the next view."""
    # Unrelated wording, so that no similarity-based suggestion brings the other article in by itself.
    article = make_approved_article("Which vaccines protect against shingles?", guidelines="Zoster vaccination.")
    other = make_approved_article("How is gout treated?", guidelines="Urate lowering.")
    assert "How is gout treated?" not in get_page(Client(), article)

    link = RelatedQuestion.objects.create(article=article, related=other)
    assert "How is gout treated?" in get_page(Client(), article)

    # An editor's rewording is a private update: readers keep the approved question until it is approved.
    with django_capture_on_commit_callbacks(execute=True):  # the cache hears of it once the approval commits
        edit_article(other, question="How is acute gout treated?")
    assert "How is acute gout treated?" not in get_page(Client(), article)
    with django_capture_on_commit_callbacks(execute=True):
        approve_current(other)
    assert "How is acute gout treated?" in get_page(Client(), article)

    link.delete()
    assert "gout" not in get_page(Client(), article)


def test_each_audience_gets_its_own_version():
    """A patient and a clinician reading the same cached article each see their version."""
    article = make_approved_article(guidelines="Technical text for everyone.")
    edit_article(article, patient="Plain words for patients.")
    approve_current(article)
    default = Client()
    patient = Client()
    patient.cookies["audience"] = "patient"
    for _ in range(2):  # the second round is served from the cache
        assert "Technical text for everyone." in get_page(default, article)
        assert "Plain words for patients." in get_page(patient, article)


def test_staff_are_never_served_or_stored_in_the_cache(client, django_assert_max_num_queries):
    """A logged-in editor's view is rendered for them and does not fill the readers' cache."""
    article = make_approved_article(guidelines="Staff and readers.")
    client.force_login(make_user(perms=["articles.view_article"]))
    get_page(client, article)
    get_page(client, article)
    reader = Client()
    get_page(reader, article)  # first anonymous view: rendered, then stored
    with django_assert_max_num_queries(1):
        get_page(Client(), article)


def test_a_page_with_a_message_is_neither_served_from_nor_stored_in_the_cache(rf):
    """A reader with a pending message sees it; the next reader does not get it."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from articles.views import article_detail

    article = make_approved_article(guidelines="Body.")
    get_page(Client(), article)  # now cached
    request = rf.get(article.get_absolute_url())
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Thank you, your question was sent.")
    response = article_detail(request, article.slug)
    assert "Thank you, your question was sent." in response.content.decode()
    assert "Thank you" not in get_page(Client(), article)


@pytest.mark.urls("tests.articles.page_cache_urls")
def test_every_reader_of_a_cached_page_gets_a_csrf_token_that_works_for_them():
    """Forms on a cached page post successfully for each reader, never with another reader's token."""
    article = make_approved_article(guidelines="Body.", slug="with-form")
    readers = [Client(enforce_csrf_checks=True) for _ in range(3)]
    tokens = []
    for reader in readers:
        html = reader.get("/articles/with-form/").content.decode()
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        tokens.append(token)
    assert len(set(tokens)) == 3
    for reader, token in zip(readers, tokens):
        assert reader.post("/post/", {"csrfmiddlewaretoken": token}).status_code == 200
    assert readers[0].post("/post/", {"csrfmiddlewaretoken": tokens[1]}).status_code == 403
    assert article.slug == "with-form"


def test_a_reader_with_a_session_gets_a_page_rendered_for_them(django_assert_max_num_queries):
    """Anything kept in a reader's session (e.g. a question they sent) can show: their page is not shared."""
    from django.contrib.sessions.backends.db import SessionStore

    article = make_approved_article(guidelines="Body.")
    get_page(Client(), article)  # cached for anonymous readers
    session = SessionStore()
    session["sent_question"] = "Is it hereditary?"
    session.save()
    reader = Client()
    reader.cookies["sessionid"] = session.session_key
    with django_assert_max_num_queries(10) as queries:
        assert "Body." in get_page(reader, article)
    assert len(queries) > 1  # rendered for them, not the one-query cached copy


def test_a_cached_page_tells_shared_caches_it_varies_with_cookies():
    """A page served from the cache still says Vary: Cookie, so a CDN never gives one audience's text to another."""
    article = make_approved_article(guidelines="Cached answer.")
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    hit = Client().get(article.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "Cookie" in hit["Vary"]
