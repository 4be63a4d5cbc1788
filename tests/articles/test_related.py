"""Related questions: the editors' list first, then filled to five with the most similar public articles."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Status
from tests.factories import make_approved_article, make_article

pytestmark = pytest.mark.django_db


def related_on_page(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    return [a.get_text() for a in soup.select(".related__list a")]


@pytest.fixture
def kidney_articles():
    """Six public kidney articles, one unrelated article and a private kidney draft."""
    similar = [
        make_approved_article(f"Kidney stones question {n}?", summary="Kidney stones and diet.", guidelines="Kidney stones text.")
        for n in range(6)
    ]
    unrelated = make_approved_article("How is acne treated?", guidelines="Skin care.")
    draft = make_article("Kidney stones private draft?", status=Status.DRAFT, guidelines="Kidney stones draft.")
    return similar, unrelated, draft


def test_editors_choice_comes_first_then_similar_articles_fill_to_five(client, kidney_articles):
    similar, unrelated, draft = kidney_articles
    chosen = make_approved_article("How is acne scarring treated?", guidelines="Lasers.")
    article = make_approved_article(
        "What causes kidney stones?", summary="Kidney stones form from minerals.", guidelines="Kidney stones.", related=[chosen]
    )
    shown = related_on_page(client, article)
    assert shown[0] == chosen.question
    assert len(shown) == 5
    assert set(shown[1:]) <= {a.question for a in similar}
    assert article.question not in shown
    assert draft.question not in shown and unrelated.question not in shown
    assert len(set(shown)) == len(shown)


def test_an_editors_full_list_is_not_padded(client, kidney_articles):
    similar, _, _ = kidney_articles
    chosen = [make_approved_article(f"Chosen question {n}?", guidelines="Text.") for n in range(6)]
    article = make_approved_article("What causes kidney stones?", guidelines="Kidney stones.", related=chosen)
    assert related_on_page(client, article) == [c.question for c in chosen]


def test_the_same_question_twice_is_shown_once(client):
    make_approved_article("What is gout?", slug="gout-a", guidelines="Gout and uric acid.")
    make_approved_article("What is gout?", slug="gout-b", guidelines="Gout and uric acid.")
    other = make_approved_article("How is gout treated?", guidelines="Gout medicines lower uric acid.")
    shown = related_on_page(client, other)
    assert shown == ["What is gout?"]


def test_nothing_similar_means_no_related_section(client):
    article = make_approved_article("What is a rare zebra condition?", guidelines="Unique words only.")
    make_approved_article("How is acne treated?", guidelines="Skin care.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Related Questions" not in html


def test_readers_are_only_sent_to_answered_articles(client):
    """A related question still being written is not a reader link; the list fills with answers instead."""
    waiting = make_article("Do kidney stones come back after treatment?")  # public, pending, no answer yet
    answered = make_approved_article("Can diet prevent kidney stones?", summary="Kidney stones and diet.", guidelines="Drink water.")
    article = make_approved_article(
        "What causes kidney stones?", summary="Kidney stones form from minerals.", guidelines="Minerals.",
        related=[waiting, answered],
    )
    shown = related_on_page(client, article)
    assert answered.question in shown and waiting.question not in shown
    assert client.get(waiting.get_absolute_url()).status_code == 200  # still public, just not a recommendation


def test_similar_articles_on_the_same_topic_come_first(client):
    """Filling the list prefers the article's own topic over equally similar articles elsewhere."""
    from tests.factories import make_topic

    kidneys, diet = make_topic("Kidneys"), make_topic("Diet")
    off_topic = [make_approved_article(f"Kidney stones and diet plan {n}?", guidelines="Kidney stones.", topic=diet) for n in range(4)]
    on_topic = [make_approved_article(f"Kidney stones in children {n}?", guidelines="Kidney stones.", topic=kidneys) for n in range(2)]
    article = make_approved_article("What are kidney stones?", guidelines="Kidney stones.", topic=kidneys)
    shown = related_on_page(client, article)
    assert shown[:2] == sorted(a.question for a in on_topic) or set(shown[:2]) == {a.question for a in on_topic}
    assert len(shown) == 5 and len(set(shown) & {a.question for a in off_topic}) == 3
