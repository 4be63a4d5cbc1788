"""Editors' markup cannot wear the site's classes, ids or styles: no fake badges, hidden links or anchors."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup

from articles import pipeline
from tests.rendering import markdown_to_html
from tests.factories import make_article

SPOOFS = [
    '<a class="status-tag status-tag--approved" href="https://example.org/">Reviewed</a>',
    '<a class="visually-hidden" href="https://example.org/hidden">hidden link</a>',
    '<a id="follow-up" href="#follow-up">Have a follow-up question?</a>',
    '<a id="ref-1" name="ref-1">fake reference</a>',
    '<h3 id="follow-up" class="status-tag--approved">Heading</h3>',
    '<p style="position:fixed;top:0;left:0;width:100%">overlay</p>',
    '<sup class="citations"><a href="#ref-9" class="citation" title="Reference 9">9</a></sup>',
    '<table class="status-tag"><tr><td id="x" style="color:green" class="a">cell</td></tr></table>',
    "## Heading {: #follow-up .status-tag }",
]


def attributes_of(html, name):
    """Every value of one attribute in the fragment."""
    soup = BeautifulSoup(html, "html5lib")
    return [element.get(name) for element in soup.find_all(True) if element.has_attr(name)]


@pytest.mark.once
@pytest.mark.parametrize("markup", SPOOFS)
def test_editor_markup_keeps_no_class_id_or_style(markup):
    """Whatever an editor types, the rendered text carries none of the site's classes, ids or styles."""
    html = markdown_to_html(f"Before.\n\n{markup}\n\nAfter.")
    assert attributes_of(html, "class") == []
    assert attributes_of(html, "id") == []
    assert attributes_of(html, "style") == []


@pytest.mark.once
def test_only_the_site_adds_citation_markup():
    """A real citation gets the site's classes; a typed imitation of one is shown as text."""
    html, unknown = pipeline.render_section(
        "Real [@a]. Fake <sup class=\"citations\"><a href=\"#ref-9\" class=\"citation\">9</a></sup>.",
        pipeline.CitationNumbering(),
        known_keys={"a"},
    )
    soup = BeautifulSoup(html, "html5lib")
    assert unknown == []
    assert [a.get_text() for a in soup.select("sup.citations a.citation")] == ["1"]
    assert soup.select('a[href="#ref-9"]')[0].get("class") is None


@pytest.mark.once
@pytest.mark.parametrize(
    "href, rel",
    [
        ("https://www.cancer.gov/types", "nofollow noopener"),
        ("http://example.org/", "nofollow noopener"),
        ("//evil.example/", "nofollow noopener"),
        ("/\\evil.example/", "nofollow noopener"),  # browsers read a backslash as a slash
        ("mailto:editors@example.org", "nofollow noopener"),
        ("/articles/other-question/", None),
        ("#ref-1", None),
    ],
)
def test_external_links_get_nofollow_noopener(href, rel):
    """Links that leave the site say so to search engines and cannot reach back through window.opener."""
    html = markdown_to_html(f'See <a href="{href}" rel="opener follow">this</a>.')
    link = BeautifulSoup(html, "html5lib").find("a")
    assert link["href"] == href
    assert (" ".join(link["rel"]) if link.has_attr("rel") else None) == rel


def site_markup(html):
    """The classes and ids on an article page, counted, as a reader's browser and stylesheet see them."""
    soup = BeautifulSoup(html, "html5lib")
    classes = Counter(name for element in soup.find_all(True) for name in element.get("class", []))
    ids = Counter(element["id"] for element in soup.find_all(True) if element.has_attr("id"))
    return classes, ids


@pytest.mark.django_db
def test_a_pending_article_cannot_show_a_reviewed_badge_or_duplicate_anchors(client):
    """A pending page full of imitations has exactly the classes and ids of a plain pending page."""
    plain = make_article("Ordinary wording alone?", guidelines="Ordinary text.", summary="Ordinary.")
    hostile = make_article("Imitations everywhere?", guidelines="\n\n".join(SPOOFS), summary="Imitated.")
    plain_classes, plain_ids = site_markup(client.get(plain.get_absolute_url()).content.decode())
    classes, ids = site_markup(client.get(hostile.get_absolute_url()).content.decode())
    assert classes["status-tag--approved"] == 0
    assert ids["follow-up"] == 1
    assert (classes, ids) == (plain_classes, plain_ids)
