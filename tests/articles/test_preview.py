"""The editor's live preview: numbers as on the page, unknown keys flagged, staff only, bad requests refused."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_editor

pytestmark = pytest.mark.django_db
URL = "/markdownx/markdownify/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def preview(client, text, query=""):
    response = client.post(URL + query, {"content": text})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_numbers_continue_from_the_sections_above(editor_client):
    """The research section's first new source is number 3 when the guidelines cite two others first."""
    soup = preview(editor_client, "Trials [@c; @a].", "?keys=a,b,c&earlier=a,b")
    assert sorted(a.get_text() for a in soup.select("sup.citations a")) == ["1", "3"]
    assert {a["href"] for a in soup.select("sup.citations a")} == {"#ref-1", "#ref-3"}


def test_an_unknown_key_is_flagged_in_the_preview(editor_client):
    """A key no attached reference has shows as a warning where it stands, not as a number."""
    soup = preview(editor_client, "Cited [@known] and [@nowhere].", "?keys=known")
    flagged = soup.select_one(".citation-unknown")
    assert flagged is not None and "[@nowhere]" in flagged.get_text() and "unknown key" in flagged.get_text()
    assert [a.get_text() for a in soup.select("sup.citations a")] == ["1"]


def test_hostile_text_stays_inert_in_the_preview(editor_client):
    """The preview goes through the page's sanitiser; a hostile key or text is text."""
    soup = preview(editor_client, '<script>alert(1)</script> [@x"><img src=x onerror=alert(1)>]', "?keys=")
    assert soup.find("script") is None and soup.find("img") is None


def test_the_preview_is_for_staff_and_refuses_bad_requests(editor_client):
    from django.test import Client

    assert Client().post(URL, {"content": "x"}).status_code == 302  # to the login page
    assert editor_client.post(URL, {}).status_code == 400
    assert editor_client.get(URL).status_code == 405
