"""The sitemap and the feed list only approved articles."""

from xml.etree import ElementTree

import pytest
from django.conf import settings

from articles.models import Status
from qa_site.text import strip_control_characters
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


def test_demo_content_says_so_in_the_feed(client):
    """A feed reader shows an entry without the page around it: a demo article's entry is labelled."""
    make_approved_article("A demo question?", guidelines="Sample.", summary="Sample summary.", is_demo=True)
    make_approved_article("A real question?", guidelines="Real.", summary="Real summary.")
    _, entries = feed_entries(client)
    summaries = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}summary").text for e in entries}
    assert summaries == {
        "A demo question?": "Demo content · not medical advice. Sample summary.",
        "A real question?": "Real summary.",
    }


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "/sitemap.xml" in body


ATOM = "{http://www.w3.org/2005/Atom}"
FEED_SIZE = 30


def feed_entries(client):
    """The feed parsed as XML (a parse error fails the test), as its entries."""
    response = client.get("/feeds/approved/")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_feed_summaries_are_plain_text_with_author_and_sane_dates(client, articles):
    """Summaries are declared as text, the publisher is the author, and an entry is never updated before it was published."""
    root, entries = feed_entries(client)
    assert root.find(f"{ATOM}author/{ATOM}name").text == settings.SITE_NAME
    (entry,) = entries
    summary = entry.find(f"{ATOM}summary")
    assert (summary.get("type"), summary.text) == ("text", "Reviewed summary.")
    assert entry.find(f"{ATOM}updated").text >= entry.find(f"{ATOM}published").text


def test_control_characters_stored_before_validation_do_not_break_the_feed(client):
    """A U+0001 in an approved question or summary (rows older than the rule) is left out, not a 500."""
    make_approved_article("Bell\x07 and start\x01 of heading?", summary="Summary with\x02 STX and \x1b escape\x7f.\ttab\nline")
    _, (entry,) = feed_entries(client)
    assert entry.find(f"{ATOM}title").text == "Bell and start of heading?"
    assert entry.find(f"{ATOM}summary").text == "Summary with STX and  escape.\ttab\nline"


def as_xml_text(text):
    """What an XML parser reports for stored text: control characters left out, line ends normalised."""
    return strip_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")


def test_every_xss_payload_stays_text_in_the_feed(client, xss_payloads):
    """Over the whole XSS list: the feed parses as XML and each hostile summary and title arrive as the same plain text."""
    per_article = -(-len(xss_payloads) // FEED_SIZE)
    stored = []
    for number in range(FEED_SIZE):
        batch = xss_payloads[number * per_article : (number + 1) * per_article]
        question = (f"{number}: " + " ".join(batch)[:290]).strip()
        summary = "\n".join(batch) + "\x01"  # and a control character, as older rows may hold
        make_approved_article(question, summary=summary, guidelines="Body.", slug=f"feed-xss-{number}")
        stored.append((as_xml_text(question), as_xml_text(summary)))
    _, entries = feed_entries(client)
    assert len(entries) == FEED_SIZE
    received = set()
    for entry in entries:
        title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
        # Atom text constructs without type, or type="text", are never decoded as HTML by readers.
        assert title.get("type", "text") == "text" and summary.get("type") == "text"
        assert list(summary) == [] and list(title) == []  # no child elements: nothing decodes to markup
        received.add((title.text, summary.text))
    assert received == set(stored)
