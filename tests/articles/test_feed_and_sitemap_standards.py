"""The Atom feed and sitemap.xml as a feed reader and a search engine check them."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_approved_article, make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_atom_feed_has_every_required_element_with_absolute_links(client):
    """RFC 4287: feed id, title, updated and author; each entry id, title, updated, an absolute link."""
    make_approved_article("Is coffee bad for the thyroid?", summary="Not usually.", guidelines="Text.")
    make_approved_article("How is hypothyroidism treated?", summary="With tablets.", guidelines="Text.")
    make_article("A pending question?", guidelines="Not yet reviewed.")
    feed = ET.fromstring(client.get("/feeds/approved/").content)  # well-formed, or this raises
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text.strip()
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "ClinicalAnswers"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://testserver/")
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}title").text for e in entries) == ["How is hypothyroidism treated?", "Is coffee bad for the thyroid?"]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.strip() and entry.find(f"{ATOM}updated").text.strip()
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/articles/")


def test_sitemap_gives_each_approved_article_its_lastmod(client):
    """lastmod is the date of the approved revision readers see, per article."""
    article = make_approved_article("Is coffee bad for the thyroid?", guidelines="Text.")
    urlset = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod") for u in urlset.findall(f"{SITEMAP}url")}
    lastmod = entries["http://testserver" + article.get_absolute_url()]
    assert lastmod.text == article.live_revision.created.date().isoformat()
