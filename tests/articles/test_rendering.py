"""The rendering pipeline: Markdown, citations numbered by first use, the reference list."""

import pytest
from bs4 import BeautifulSoup

from articles.revisions import CitationError
from tests.factories import make_article, make_reference, save_content

pytestmark = pytest.mark.django_db


def citation_numbers(html):
    """The citation numbers in the order a reader meets them."""
    return [int(a.get_text()) for a in BeautifulSoup(html, "html.parser").select("sup.citations a")]


def page_html(article, audience="default"):
    page = article.current_revision.page_for(audience)
    return "".join(section["html"] for section in page["sections"]), page["references"]


def test_numbers_follow_first_use_across_guidelines_then_research():
    """One source keeps one number; numbering continues from guidelines into research."""
    article = make_article(
        guidelines="First [@alpha]. Then [@beta]. Alpha again [@alpha].",
        research="New one [@gamma], and beta again [@beta].",
        references={"gamma": {"title": "Gamma"}, "beta": {"title": "Beta"}, "alpha": {"title": "Alpha"}},
    )
    html, references = page_html(article)
    assert citation_numbers(html) == [1, 2, 1, 3, 2]
    assert [(r["number"], r["key"]) for r in references] == [(1, "alpha"), (2, "beta"), (3, "gamma")]


def test_grouped_citations_render_each_number_as_a_link():
    article = make_article(
        guidelines="Two sources [@a; @b] and a repeat in a group [@b; @a; @b].",
        references={"a": {"title": "A"}, "b": {"title": "B"}},
    )
    html, _ = page_html(article)
    soup = BeautifulSoup(html, "html.parser")
    groups = soup.select("sup.citations")
    assert [[a["href"] for a in g.select("a")] for g in groups] == [["#ref-1", "#ref-2"], ["#ref-2", "#ref-1"]]
    assert groups[0].get_text() == "1, 2"


def test_research_section_is_numbered_after_guidelines_even_if_saved_first():
    article = make_article(
        research="Research cites [@late].",
        guidelines="Guidelines cite [@early].",
        references={"late": {"title": "Late"}, "early": {"title": "Early"}},
    )
    _, references = page_html(article)
    assert [r["key"] for r in references] == ["early", "late"]


def test_unknown_key_is_refused_with_its_name():
    with pytest.raises(CitationError) as error:
        make_article(guidelines="Cites [@missing-key] and [@known].", references={"known": {"title": "Known"}})
    assert "[@missing-key]" in str(error.value)
    assert "[@known]" not in str(error.value)


def test_attached_but_uncited_reference_is_a_warning():
    article = make_article(guidelines="Cites [@used].", references={"used": {"title": "Used"}, "spare": {"title": "Spare"}})
    assert article.current_revision.rendered["warnings"] == ["Reference [@spare] is attached but never cited."]


def test_reference_renders_in_ama_style_with_doi_and_pubmed_links():
    reference = make_reference(
        authors="Smith AB, Jones CD",
        title="A trial of something",
        container="J Test Med",
        year=2020,
        volume="12",
        issue="3",
        pages="45-67",
        doi="https://doi.org/10.1000/XYZ.123",
        pmid="12345678",
    )
    article = make_article(guidelines="Claim [@smith].", references={"smith": reference})
    _, references = page_html(article)
    soup = BeautifulSoup(references[0]["html"], "html.parser")
    text = soup.get_text()
    assert text.startswith("Smith AB, Jones CD. A trial of something. J Test Med. 2020;12(3):45-67.")
    links = {a.get_text(): a["href"] for a in soup.select("a")}
    assert links["10.1000/xyz.123"] == "https://doi.org/10.1000/xyz.123"
    assert links["12345678"] == "https://pubmed.ncbi.nlm.nih.gov/12345678/"


def test_markdown_headings_lists_and_tables_survive_but_h1_is_demoted():
    article = make_article(
        guidelines="# Big\n\n## Sub\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n\n**bold** [link](https://example.org)"
    )
    soup = BeautifulSoup(page_html(article)[0], "html.parser")
    assert soup.find("h1") is None
    assert [h.get_text() for h in soup.find_all("h3")] == ["Big", "Sub"]
    assert len(soup.select("ul li")) == 2
    assert soup.find("table") and soup.find("blockquote") and soup.find("strong")
    assert soup.find("a", href="https://example.org")


def test_saving_unchanged_content_creates_no_revision():
    article = make_article(guidelines="Same text.")
    saved = save_content(article)
    assert not saved.created
    assert saved.revision == article.current_revision
    assert article.revisions.count() == 1


def test_changed_content_creates_a_new_numbered_revision():
    article = make_article(guidelines="First text.")
    section = article.sections.get()
    section.body = "Second text."
    section.save()
    saved = save_content(article)
    revision = saved.revision
    assert saved.created and revision.number == 2
    assert "Second text." in revision.rendered["audiences"]["default"]["sections"][0]["html"]


def test_a_revision_can_be_neither_changed_nor_deleted():
    """What was written and reviewed stays as it was."""
    from django.core.exceptions import ValidationError

    revision = make_article(guidelines="Original words.").current_revision
    revision.question = "Rewritten?"
    with pytest.raises(ValidationError):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()
    revision.refresh_from_db()
    assert revision.question != "Rewritten?"
