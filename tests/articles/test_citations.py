"""Citations done like journals and Wikipedia: sorted groups, collapsed ranges, ids, back-links, accessible names."""

import pytest
from bs4 import BeautifulSoup

from articles import pipeline
from tests.factories import make_approved_article

SIX = {key: {"title": f"Study {key.upper()} of thyroid treatment"} for key in "abcdef"}


def groups_text(html):
    """Each citation group as a reader sees it."""
    return [g.get_text() for g in BeautifulSoup(html, "html.parser").select("sup.citations")]


@pytest.mark.once
@pytest.mark.parametrize(
    "numbers, expected",
    [([4, 5, 3], [[3, 4, 5]]), ([3, 1], [[1], [3]]), ([1, 2], [[1], [2]]), ([7, 1, 2, 3, 5], [[1, 2, 3], [5], [7]])],
)
def test_runs_of_three_or_more_collapse(numbers, expected):
    """Numbers are sorted; only runs of three or more consecutive numbers become a range."""
    assert pipeline.collapse_runs(numbers) == expected


@pytest.mark.once
def test_group_typed_out_of_order_reads_as_a_range():
    """[@c; @d; @e] after 1 and 2 were used, typed as "5, 3, 4", shows "3–5" with 3 and 5 linked."""
    numbering = pipeline.CitationNumbering(titles={"e": "Study E"})
    keys = {"a", "b", "c", "d", "e"}
    pipeline.render_section("One [@a; @b].", numbering, keys)
    html, _ = pipeline.render_section("Then [@e; @c; @d] and [@c; @a].", numbering, keys)
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup.select(".visually-hidden"):
        hidden.extract()  # what a sighted reader sees
    assert groups_text(str(soup)) == ["3–5", "1, 4"]
    soup = BeautifulSoup(html, "html.parser")
    first_group = soup.select("sup.citations")[0]
    assert [a["href"] for a in first_group.select("a")] == ["#ref-3", "#ref-5"]
    # A screen reader hears "to", not a dash.
    assert first_group.select_one(".visually-hidden").get_text() == " to "


@pytest.mark.once
def test_citation_link_has_an_id_and_names_its_reference():
    """Each citation link has its own id and the accessible name "Reference N: <short title>"."""
    long_title = "A randomised trial of levothyroxine dosing by body weight against dosing by TSH in older adults with hypothyroidism"
    numbering = pipeline.CitationNumbering(titles={"lt": pipeline.short_title(long_title)})
    html, _ = pipeline.render_section("Dose [@lt]. Again [@lt].", numbering, {"lt"})
    links = BeautifulSoup(html, "html.parser").select("a.citation")
    assert [a["id"] for a in links] == ["cite-1-a", "cite-1-b"]
    assert links[0]["aria-label"].startswith("Reference 1: A randomised trial of levothyroxine")
    assert links[0]["aria-label"].endswith("…") and len(links[0]["aria-label"]) < 100


@pytest.mark.once
def test_hostile_title_in_accessible_name_stays_inert():
    """A reference title with markup is escaped inside the attribute."""
    numbering = pipeline.CitationNumbering(titles={"x": '"><script>alert(1)</script>'})
    html, _ = pipeline.render_section("See [@x].", numbering, {"x"})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.select_one("a.citation")["aria-label"] == 'Reference 1: "><script>alert(1)</script>'


@pytest.mark.once
def test_citation_syntax_in_code_or_a_link_title_stays_text():
    """A group in a code span or a link's title or URL is not a citation, and no placeholder leaks."""
    numbering = pipeline.CitationNumbering()
    text = 'Write `[@a]`. [Site](https://example.org "[@a]"), [search](https://example.org/?q=[@a]) and [@a].'
    html, _ = pipeline.render_section(text, numbering, {"a"})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("code").get_text() == "[@a]"
    assert soup.find("a", href="https://example.org")["title"] == "[@a]"
    assert soup.find("a", string="search")["href"] == "https://example.org/?q=[@a]"
    assert groups_text(html) == ["1"]
    assert "qacite" not in html


@pytest.mark.django_db
def test_reference_lists_a_back_link_to_every_place_it_is_cited():
    """Reference 1, cited three times, offers ↑ a b c; each goes to a citation link on the page."""
    article = make_approved_article(
        guidelines="First [@a]. Both [@a; @b].",
        research="Again [@a]. Range [@c; @d; @b].",
        references=SIX,
    )
    page = article.live_revision.page_for("default")
    html = "".join(section["html"] for section in page["sections"])
    ids = {a["id"] for a in BeautifulSoup(html, "html.parser").select("a.citation")}
    backlinks = {r["number"]: [b["label"] for b in r["backlinks"]] for r in page["references"]}
    assert backlinks == {1: ["a", "b", "c"], 2: ["a", "b"], 3: ["a"], 4: ["a"]}
    for reference in page["references"]:
        assert all(b["id"] in ids for b in reference["backlinks"])


@pytest.mark.django_db
def test_article_page_shows_back_links_under_each_reference(client):
    """The reader sees "↑ a b" before a reference cited twice, and a single ↑ before one cited once."""
    article = make_approved_article(guidelines="One [@a]. Two [@a; @b].", references=SIX)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    first, second = soup.select(".reference-list li")
    assert first.select_one(".ref-backlinks").get_text(" ", strip=True) == "↑ a b"
    assert [a["href"] for a in first.select(".ref-backlinks a")] == ["#cite-1-a", "#cite-1-b"]
    assert first.select(".ref-backlinks a")[1]["aria-label"] == "Back to citation b of reference 1"
    only = second.select_one(".ref-backlinks a")
    assert (only.get_text(), only["href"], only["aria-label"]) == ("↑", "#cite-2-a", "Back to where reference 2 is cited")
    assert soup.select_one("#cite-1-b")["aria-label"] == "Reference 1: Study A of thyroid treatment"
