"""Editors see each version's Flesch–Kincaid grade; plain-language versions above grade 8 are flagged."""

import pytest

from tests.factories import make_article_with_versions, make_user

pytestmark = pytest.mark.django_db

SIMPLE = "You may feel tired. Rest when you can. Drink water. Call your nurse if you feel sick."
HARD = (
    "Pharmacokinetic considerations necessitate individualised administration, particularly regarding "
    "hepatic metabolism, concomitant cytochrome-mediated interactions and cumulative nephrotoxicity surveillance."
)


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("grader", superuser=True))
    return client


@pytest.fixture
def articles():
    easy = make_article_with_versions(
        "Is rest good for fatigue?", guidelines=HARD, versions={"patient": SIMPLE, "caregiver": SIMPLE}
    )
    hard = make_article_with_versions("How is the drug dosed?", guidelines=SIMPLE, versions={"caregiver": HARD})
    return easy, hard


def test_grades_are_stored_when_the_article_is_saved(articles):
    """The revision keeps a grade per version; the hard caregiver text reads far above grade 8."""
    easy, hard = articles
    easy_levels = easy.current_revision.reading_levels["1"]
    assert easy_levels["patient"] <= 8 < easy_levels["default"]
    assert hard.current_revision.reading_levels["1"]["caregiver"] > 8
    assert hard.current_revision.plain_language_grade > 8


def test_the_change_list_flags_plain_language_versions_above_grade_8(editor_client, articles):
    easy, hard = articles
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "Patient grade" in html
    row_hard = html[html.index(hard.question) :].split("</tr>")[0]
    row_easy = html[html.index(easy.question) :].split("</tr>")[0]
    assert "above 8" in row_hard
    assert "above 8" not in row_easy


def test_the_filter_lists_only_articles_needing_simpler_wording(editor_client, articles):
    easy, hard = articles
    html = editor_client.get("/admin/articles/article/?reading_level=above8").content.decode()
    assert hard.question in html and easy.question not in html
    html = editor_client.get("/admin/articles/article/?reading_level=ok").content.decode()
    assert easy.question in html and hard.question not in html


def test_the_edit_page_shows_each_versions_grade(editor_client, articles):
    """Beside the section's texts, the editor reads the grade of every version, with the warning."""
    _, hard = articles
    html = editor_client.get(f"/admin/articles/article/{hard.pk}/change/").content.decode()
    assert "Reading level (Flesch–Kincaid grade, at last save)" in html
    assert "Caregiver: grade" in html and "above grade 8: simplify for patients and caregivers" in html
    assert "Everyone: grade" in html


def test_a_version_too_short_to_grade_does_not_break_the_list(editor_client):
    """A patient version of two words has no grade; the caregiver's grade still counts and shows."""
    article = make_article_with_versions(
        "Should I rest after the infusion?", guidelines=SIMPLE, versions={"patient": "Rest.", "caregiver": HARD}
    )
    levels = article.current_revision.reading_levels["1"]
    assert levels["patient"] is None and levels["caregiver"] > 8
    assert article.current_revision.plain_language_grade == levels["caregiver"]
    response = editor_client.get("/admin/articles/article/?reading_level=above8")
    assert response.status_code == 200
    assert article.question in response.content.decode()


def test_the_default_text_is_flagged_when_patients_read_it(editor_client):
    """With no patient or caregiver version, lay readers read the text for everyone: its grade is what counts."""
    article = make_article_with_versions("Is the dose adjusted for the kidneys?", guidelines=HARD, versions={})
    levels = article.current_revision.reading_levels["1"]
    assert article.current_revision.plain_language_grade == levels["default"] > 8
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "patients or caregivers read it: write a version for them" in html


def test_the_seed_article_has_patient_and_caregiver_versions_at_grade_8_or_below(demo_content):
    """The seed article's plain-language versions read at grade 8 or below by the site's own scorer."""
    from articles.models import Article

    seed = Article.objects.get(slug="what-is-the-likely-cause-of-neuroendocrine-tumors-nets")
    levels = seed.current_revision.reading_levels
    for section in levels.values():
        assert section["patient"] <= 8 and section["caregiver"] <= 8
        assert section["default"] > 8  # the clinicians' text is why the versions were written
    assert seed.current_revision.plain_language_grade <= 8
