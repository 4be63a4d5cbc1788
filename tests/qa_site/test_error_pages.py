"""Error pages: a clear 4xx for malformed requests, rendered without the database or a CSRF token."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from qa_site import errors
from tests.factories import make_article

ODD_BODIES = [
    ("utf-16", "text=Is this kept?&website=".encode("utf-16")),
    ("latin-1", "text=Is caf\xe9 coffee safe in pregnancy?&website=".encode("latin-1")),
]


@pytest.fixture
def csrf_client():
    """A browser-like client: CSRF checks on, with a CSRF cookie but no token in the body."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("charset,body", ODD_BODIES, ids=[charset for charset, _ in ODD_BODIES])
@pytest.mark.parametrize("path", ["/personalize/", "follow-up"])
def test_form_post_in_a_refused_charset_is_a_400_page(csrf_client, charset, body, path):
    """A form body that is not UTF-8 gets the 400 page (it used to raise again inside the 400 handler: a 500)."""
    if path == "follow-up":
        path = make_article(guidelines="Some text.").get_absolute_url() + "follow-up/"
    # From this site (public forms check Origin instead of a per-reader token), in an odd encoding.
    response = csrf_client.generic(
        "POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_ORIGIN="http://testserver",
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "We couldn’t understand that request" in text
    assert "Go to the home page" in text


@pytest.mark.django_db
def test_missing_csrf_token_is_the_form_expired_page(csrf_client):
    """A form sent without its token is refused with a page saying what to do (the admin's forms keep tokens)."""
    response = csrf_client.post("/admin/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert "reload the page and send it again" in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_is_the_404_page(client):
    """An unknown address gets the site's 404 page, not indexed."""
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "We couldn’t find that page" in text
    assert '<meta name="robots" content="noindex">' in text


@pytest.mark.once
def test_server_error_page_and_database_outage_page():
    """handler500 answers 500 for a bug and the 503 page with Retry-After when the database is unreachable."""
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "We’ll be back in a moment" in response.content.decode()
