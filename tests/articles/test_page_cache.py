"""The article page cache: anonymous readers share a page, and every change readers should see shows at once."""

import pytest
from django.test import Client

from articles.models import RelatedQuestion
from tests.factories import approve_current, edit_article, make_approved_article, make_article, make_user

pytestmark = pytest.mark.django_db


def get_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def publish_edit(article, text):
    """An editor's change approved by the board: a new revision goes live."""
    edit_article(article, guidelines=text)
    approve_current(article)


def test_a_second_anonymous_reader_is_served_from_the_cache(client, django_assert_num_queries):
    """The second view of the page runs no query at all: the same bytes come from the cache."""
    article = make_approved_article(guidelines="Cached answer.")
    first = get_page(client, article)
    with django_assert_num_queries(0):
        second = get_page(Client(), article)
    assert "Cached answer." in second
    assert second == first


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


def test_staff_are_never_served_or_stored_in_the_cache(client, django_assert_num_queries):
    """A logged-in editor's view is rendered for them and does not fill the readers' cache."""
    article = make_approved_article(guidelines="Staff and readers.")
    client.force_login(make_user(perms=["articles.view_article"]))
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"  # first anonymous view: stored
    with django_assert_num_queries(0):
        assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    staff = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in staff and "no-store" in staff["Cache-Control"]


def test_a_reader_with_a_message_gets_a_page_rendered_for_them():
    """A reader holding a message (kept in a cookie) gets their own page, never the shared one, and it is not stored."""
    article = make_approved_article(guidelines="Body.")
    get_page(Client(), article)  # now cached
    reader = Client()
    reader.cookies["messages"] = "anything"
    response = reader.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response and "no-store" in response["Cache-Control"]


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
        response = reader.get(article.get_absolute_url())
    assert "Body." in response.content.decode() and len(queries) > 0  # rendered for them
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_cached_page_tells_shared_caches_it_varies_with_cookies():
    """A page served from the cache keeps its headers: Vary: Cookie, Cache-Control public, the same ETag."""
    article = make_approved_article(guidelines="Cached answer.")
    miss = Client().get(article.get_absolute_url())
    assert miss["X-Page-Cache"] == "miss"
    hit = Client().get(article.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "Cookie" in hit["Vary"] and "public" in hit["Cache-Control"] and hit["ETag"] == miss["ETag"]


def test_a_board_member_change_shows_at_once():
    """Renaming a board member updates the cached board page on the next view."""
    from reviews.models import BoardMember

    member = BoardMember.objects.create(name="Dr Old Name", credentials="MD", specialty="Cardiology")
    assert "Dr Old Name" in Client().get("/medical-advisory-board/").content.decode()
    member.name = "Dr New Name"
    member.save()
    html = Client().get("/medical-advisory-board/").content.decode()
    assert "Dr New Name" in html and "Dr Old Name" not in html


def test_a_process_copy_never_outlives_a_change_made_by_another_server():
    """Each process keeps pages it served, but the generation in the shared cache decides: another
    server's publication (it bumps the generation) or an emptied shared cache makes them stale."""
    from django.core.cache import cache

    from articles.cache import bump_generation

    article = make_approved_article(guidelines="First answer.")
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    bump_generation()  # as another server does when it publishes
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    cache.clear()  # Redis restarted or flushed
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_without_the_shared_cache_no_process_copy_is_served():
    """With the shared cache unreachable no publication could reach a process copy, so none is kept."""
    from django.test import override_settings

    article = make_approved_article(guidelines="Answer read while Redis is down.")
    down = {"BACKEND": "qa_site.resilient_cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}  # fmt: skip
    with override_settings(CACHES={"default": down}):
        for _ in range(2):
            response = Client().get(article.get_absolute_url())
            assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
            assert "Answer read while Redis is down." in response.content.decode()
