"""Graded guideline statements: markup → badge with plain words → data for structured data."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.grades import graded_statements, marker_errors
from articles.preview import render_preview
from tests.factories import make_approved_article

def markdownx_preview(text):
    """The editor's live preview of one text, every key attached."""
    from articles.pipeline import cited_keys

    return render_preview(text, attached=cited_keys(text))


GUIDELINES = (
    "- Offer a somatostatin analogue to control carcinoid syndrome [@nccn]. {grade=1B by=NCCN}\n"
    "- Consider everolimus for progressive disease. {grade=2C by=ESMO}\n"
    "- Repeat imaging every 3 to 6 months. {grade=ungraded by=NCCN}\n"
)


@pytest.mark.once
def test_marker_becomes_a_badge_with_plain_words():
    """{grade=1B by=NCCN} shows “NCCN Grade 1B” with its meaning for patients, and the markup is gone."""
    soup = BeautifulSoup(markdownx_preview(GUIDELINES), "html.parser")
    badges = soup.select(".grade")
    assert [b.abbr.get_text() for b in badges] == ["NCCN Grade 1B", "ESMO Grade 2C", "NCCN Ungraded"]
    assert badges[0].abbr["title"] == "Strong recommendation, moderate-quality evidence (NCCN)"
    assert "Weak (conditional) recommendation, low-quality evidence" in badges[1].get_text()
    assert (badges[0]["data-strength"], badges[0]["data-quality"], badges[0]["data-issuer"]) == ("strong", "moderate", "NCCN")
    assert "{grade" not in soup.get_text()


@pytest.mark.once
def test_graded_statements_are_data_for_structured_data():
    """Each graded statement is kept as plain text with its strength, quality and issuer."""
    statements = graded_statements(GUIDELINES + "\nA paragraph that runs\nover two lines. {grade=1A}\n")
    assert statements[0] == {
        "statement": "Offer a somatostatin analogue to control carcinoid syndrome.",
        "grade": "1B", "strength": "strong", "quality": "moderate",
        "words": "Strong recommendation, moderate-quality evidence", "issuer": "NCCN",
    }
    assert [s["grade"] for s in statements] == ["1B", "2C", "ungraded", "1A"]
    assert statements[3]["statement"] == "A paragraph that runs over two lines." and statements[3]["issuer"] == ""


@pytest.mark.once
@pytest.mark.parametrize("marker", ["{grade=3D}", "{grade=1b}", "{grade = 1B}", "{grade=1B by=<b>x</b>}", "{grade=}"])
def test_invalid_markers_are_reported_and_stay_inert(marker):
    """A marker that is no grade is named to the editor and never becomes markup."""
    assert marker_errors(f"Do this. {marker}")
    html = markdownx_preview(f"Do this. {marker}")
    assert "class=\"grade" not in html and "data-grade" not in html


@pytest.mark.once
def test_placeholder_characters_typed_by_an_editor_are_dropped():
    """The private characters the badges travel in cannot be typed to inject a badge."""
    html = markdownx_preview("Text \ue0100\ue011 here. {grade=1A}")
    assert html.count('class="grade ') == 1


@pytest.mark.django_db
def test_article_page_shows_badges_and_a_legend_linking_to_the_policy(client):
    """A reader sees each grade and, under the section, what the grades used there mean."""
    article = make_approved_article(guidelines=GUIDELINES, references={"nccn": {"title": "NCCN guideline"}})
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    guidelines = soup.select_one("#guidelines")
    assert len(guidelines.select(".prose .grade")) == 3
    legend = guidelines.select_one(".grade-legend")
    assert [dt.get_text(strip=True) for dt in legend.select("dt")] == ["1B", "2C", "Ungraded"]
    assert "Strong recommendation, moderate-quality evidence." in legend.get_text()
    assert legend.select_one("a")["href"] == reverse("editorial-policy") + "#grades"
    stored = article.live_revision.page_for("default")["sections"][0]["grades"]
    assert [(g["grade"], g["issuer"]) for g in stored] == [("1B", "NCCN"), ("2C", "ESMO"), ("ungraded", "NCCN")]


@pytest.mark.django_db
def test_editorial_policy_explains_every_grade(client):
    """The policy page's legend gives all seven grades in plain words."""
    soup = BeautifulSoup(client.get(reverse("editorial-policy")).content, "html.parser")
    rows = soup.select("#grades ~ table.grade-table tbody tr")
    assert len(rows) == 7
    assert rows[0].get_text(" ", strip=True) == "1A Strong recommendation, high-quality evidence."
    assert rows[-1].get_text(" ", strip=True).startswith("Ungraded")


@pytest.mark.django_db
def test_admin_refuses_an_invalid_grade_and_keeps_the_text(client):
    """An editor who types {grade=3D} is told how to write a grade; nothing is saved."""
    from articles.models import AnswerSection, Article
    from tests.articles.test_admin import article_form_data, page_text
    from tests.factories import make_user

    client.force_login(make_user("grading-editor", superuser=True))
    data = article_form_data(sections=[(AnswerSection.Kind.GUIDELINES, "Offer it. {grade=3D by=NCCN}")])
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "“{grade=3D by=NCCN}” is not a grade" in page_text(response)
    assert not Article.objects.exists()


@pytest.mark.once
def test_a_marker_inside_a_link_title_never_puts_a_badge_into_an_attribute():
    """A grade marker in a link's title or address stays text: no badge markup inside an attribute."""
    from tests.inert import active_content

    html = markdownx_preview('[guideline](https://example.org/{grade=1A} "see {grade=1B by=NCCN}") Do it. {grade=2C}')
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".grade")) == 1 and soup.select_one(".grade")["data-grade"] == "2C"
    assert "<span" not in (soup.a.get("title", "") + soup.a.get("href", ""))
    assert active_content(html) == []
