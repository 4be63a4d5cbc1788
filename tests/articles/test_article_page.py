"""The article page as a reader sees it."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Status
from tests.factories import make_approved_article, make_article, make_reference

pytestmark = pytest.mark.django_db


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element):
    return " ".join(element.get_text(" ").split())


@pytest.fixture
def article():
    related = make_article("What else should I ask?", guidelines="Ask about side effects.")
    return make_article(
        "What causes this condition?",
        summary="A short answer.",
        guidelines="Guideline text [@g].",
        research="### A sub-heading\n\nResearch text [@r; @g].",
        references={"g": {"title": "Guideline title", "container": "Guideline Body"}, "r": {"title": "Study title"}},
        related=[related],
    )


def test_page_has_every_part_in_the_seed_order(client, article):
    """Question, badge, banner, stepper, dates, short answer, sections, references, related, disclaimer, in order."""
    soup = soup_of(client.get(article.get_absolute_url()))
    main = soup.find("main")
    text = text_of(main)
    order = [
        "What causes this condition?",
        "Medical Advisory Board Not yet reviewed: waiting for a board member",  # never "reviewed" before it is
        "Educational purpose only • Exercise caution as content is pending human review",
        "Article Review Status",
        "Last updated:",
        "View editorial policy",
        "The short answer",
        "From the Guidelines",
        "From the Research",
        "References",
        "Related Questions",
        "Professional Medical Disclaimer",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, dict(zip(order, positions))
    assert positions == sorted(positions)


def test_one_h1_one_main_and_headings_in_order(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    assert [text_of(h) for h in soup.find_all("h1")] == ["What causes this condition?"]
    assert len(soup.find_all("main")) == 1
    levels = [int(h.name[1]) for h in soup.find("main").find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:])), levels


def test_stepper_marks_the_current_step_for_screen_readers(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    steps = soup.select(".stepper li")
    assert [text_of(step) for step in steps] == ["1 Submitted", "2 Under Review", "3 Approved"]
    current = soup.select('[aria-current="step"]')
    assert [text_of(step) for step in current] == ["1 Submitted"]


def test_citations_link_to_numbered_reference_items(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    hrefs = [a["href"] for a in soup.select("sup.citations a")]
    assert hrefs == ["#ref-1", "#ref-2", "#ref-1"]
    items = soup.select(".references li")
    assert [li["id"] for li in items] == ["ref-1", "ref-2"]
    assert "Guideline title" in text_of(items[0]) and "Study title" in text_of(items[1])


def test_related_questions_are_links(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    links = soup.select(".related a")
    assert [text_of(a) for a in links][0] == "What else should I ask?"


def test_editorial_policy_link_and_last_updated(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    assert soup.find("a", string="View editorial policy")["href"] == "/editorial-policy/"
    assert "Last updated:" in text_of(soup.select_one(".editorial-meta"))
    assert client.get("/editorial-policy/").status_code == 200


def test_pending_article_is_not_indexed_and_approved_one_is(client, article):
    soup = soup_of(client.get(article.get_absolute_url()))
    assert soup.find("meta", attrs={"name": "robots", "content": "noindex"})
    approved = make_approved_article(guidelines="Reviewed text.")
    soup = soup_of(client.get(approved.get_absolute_url()))
    assert soup.find("meta", attrs={"name": "robots"}) is None
    assert "pending human review" not in text_of(soup)
    assert [text_of(s) for s in soup.select('[aria-current="step"]')] == ["✓ Approved"]


def test_question_only_article_says_the_answer_is_being_prepared(client):
    article = make_article("A question with no answer yet?")
    soup = soup_of(client.get(article.get_absolute_url()))
    assert "The answer is being prepared" in text_of(soup)
    assert soup.select(".answer h2") and not soup.select("#guidelines, #research, .references")


def test_unknown_slug_is_a_404_in_the_site_design(client):
    response = client.get("/articles/no-such-question/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert text_of(soup.find("h1")) == "We couldn’t find that page"
    assert soup.select_one(".site-header") and soup.select_one(".site-footer")


def test_private_draft_is_a_404_for_the_public(client):
    draft = make_article("A private draft?", status=Status.DRAFT, guidelines="Not yet.")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_demo_content_is_labelled(client):
    article = make_article("A demo question?", guidelines="Demo text.", is_demo=True)
    assert "Demo content" in text_of(soup_of(client.get(article.get_absolute_url())))


def test_query_count_does_not_grow_with_sections_references_or_related(client):
    """The page costs the same few queries for a small and a large article."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    refs = {f"k{i}": make_reference(title=f"Ref {i}") for i in range(30)}
    related = [make_article(f"Related question {i}?", guidelines="Answered.") for i in range(10)]
    # Both have the five related questions a page shows, so neither needs the similar-article fill query.
    small = make_article(guidelines="One [@a].", references={"a": {"title": "A"}}, related=related[:5])
    large = make_article(
        guidelines=" ".join(f"[@k{i}]" for i in range(15)),
        research=" ".join(f"[@k{i}]" for i in range(15, 30)),
        source=("the Test Institute", "More text [@k0]."),
        references=refs,
        related=related,
    )
    counts = []
    for article in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 4
