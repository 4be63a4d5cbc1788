"""The home page and topic pages list public articles only, with the topics and their counts."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Status
from tests.factories import make_approved_article, make_article, make_topic

pytestmark = pytest.mark.django_db


def test_home_shows_search_recent_articles_and_topics_with_counts(client):
    heart = make_topic("Heart disease")
    approved = make_approved_article("What is angina?", topic=heart, guidelines="Chest pain.")
    pending = make_article("What is a heart murmur?", topic=heart, guidelines="A sound.")
    make_article("Private draft on heart failure?", status=Status.DRAFT, topic=make_topic("Drafts only"), guidelines="x")
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one("main form[role=search] input[name=q]") is not None
    reviewed = [a.get_text() for a in soup.select("#approved-heading ~ ul .article-list__link")]
    updated = [a.get_text() for a in soup.select("#updated-heading ~ ul .article-list__link")]
    assert reviewed == [approved.question]
    assert set(updated) == {approved.question, pending.question}
    topics = [" ".join(li.get_text().split()) for li in soup.select(".topic-list li")]
    assert topics == ["Heart disease 2"]  # the drafts-only topic is not listed


def test_home_says_when_nothing_is_reviewed_yet(client):
    make_article("What is a heart murmur?", guidelines="A sound.")
    html = client.get("/").content.decode()
    assert "No article has completed review by our Medical Advisory Board yet" in html
    assert "Recently reviewed" not in html


def test_topic_page_is_paginated_and_public_only(client):
    topic = make_topic("Skin")
    for n in range(23):
        make_article(f"Skin question {n:02d}?", topic=topic, slug=f"skin-{n}", guidelines="Text.")
    make_article("Skin private draft?", topic=topic, status=Status.DRAFT, guidelines="Text.")
    first = BeautifulSoup(client.get("/topics/skin/").content, "html.parser")
    assert len(first.select(".article-list__link")) == 20
    assert "23 articles · page 1 of 2" in first.get_text(" ", strip=True)
    second = BeautifulSoup(client.get("/topics/skin/?page=2").content, "html.parser")
    assert [a.get_text() for a in second.select(".article-list__link")] == ["Skin question 20?", "Skin question 21?", "Skin question 22?"]
    assert client.get("/topics/no-such-topic/").status_code == 404
