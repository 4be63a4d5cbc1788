"""Articles written for one group (children, men, women, older adults) and readers asking about someone in it."""

import pytest

from articles.matching import follow_up_matches
from articles.populations import asked_about, without_group, written_for
from tests.factories import make_approved_article


@pytest.mark.once
@pytest.mark.parametrize(
    "title, group, general",
    [
        ("Urinary Incontinence in Men", "men", "Urinary Incontinence"),
        ("Childhood Acute Lymphoblastic Leukemia", "children", "Acute Lymphoblastic Leukemia"),
        ("Pancreatic cancer, childhood", "children", "Pancreatic cancer"),
        ("Alcohol Use and Older Adults", "older adults", "Alcohol Use"),
        ("High Blood Pressure in Pregnancy", "women", "High Blood Pressure"),
        ("Urinary Incontinence", "", ""),
    ],
)
def test_an_article_title_names_its_group_and_the_general_subject(title, group, general):
    assert (written_for(title), without_group(title)) == (group, general)


@pytest.mark.once
@pytest.mark.parametrize(
    "text, groups",
    [
        ("our 4 year old was diagnosed last week", {"children"}),
        ("my husband is 68 and gets up at night", {"men", "older adults"}),
        ("I'm 30 and pregnant with my first", {"women"}),
        ("what causes urinary incontinence?", set()),
    ],
)
def test_the_story_says_who_the_question_is_about(text, groups):
    assert asked_about(text) == groups


@pytest.fixture
def incontinence(db):
    def make(question, focus):
        return make_approved_article(question, focus=focus, question_type="causes", guidelines=question)

    return {
        "general": make("What causes urinary incontinence?", "Urinary Incontinence"),
        "men": make("What causes urinary incontinence in men?", "Urinary Incontinence in Men"),
        "children": make("What causes urinary incontinence in children?", "Urinary Incontinence in Children"),
    }


@pytest.mark.parametrize(
    "question, order",
    [
        ("my husband had prostate surgery and now he leaks. what causes urinary incontinence?", ["men", "general", "children"]),
        ("our 6 year old still wets the bed. what causes urinary incontinence?", ["children", "general", "men"]),
        ("what causes urinary incontinence?", ["general", "children", "men"]),  # nobody named: the general one first
    ],
)
def test_the_article_for_the_readers_group_comes_first_and_the_general_one_next(incontinence, question, order):
    answer = follow_up_matches(question)
    assert [a.pk for a in answer.articles] == [incontinence[group].pk for group in order]


def test_the_same_question_from_two_sources_is_listed_once(incontinence):
    """Two sources answer "What causes urinary incontinence?"; the reader sees that link once, the better-ranked one."""
    twin = make_approved_article(
        "What causes urinary incontinence?", focus="Urinary Incontinence", question_type="causes", guidelines="Another source."
    )
    answer = follow_up_matches("what causes urinary incontinence?")
    questions = [a.published_question for a in answer.articles]
    assert len(questions) == len(set(questions)) == 3
    assert answer.articles[0].pk in {incontinence["general"].pk, twin.pk}
