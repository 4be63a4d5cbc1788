"""Every XSS payload sent as a search query or a follow-up question comes back inert."""

import pytest
from django.test import override_settings

from tests.factories import make_approved_article
from tests.inert import active_content

pytestmark = pytest.mark.django_db

CHUNK = 400


def reflected_part(html):
    """The part of the page where a query or question can appear: header search box to end of main."""
    return html[html.index("<header") : html.rindex("</main>") + len("</main>")]


@pytest.fixture
def hostile_articles(xss_payloads):
    """Public articles whose text is made of payloads, so results and snippets carry hostile text too."""
    articles = []
    for number, start in enumerate(range(0, len(xss_payloads), CHUNK)):
        batch = xss_payloads[start : start + CHUNK]
        articles.append(
            make_approved_article(
                question=f"Script alert image question {number} " + batch[0][:200],
                summary=" ".join(batch[:40]),
                guidelines="\n\n".join(batch),
                slug=f"hostile-{number}",
            )
        )
    return articles


def test_every_payload_as_a_search_query_is_inert(client, xss_payloads, hostile_articles):
    """The results page (query echoed, titles and snippets highlighted) never carries live markup."""
    failures = {}
    found = 0
    for payload in xss_payloads:
        response = client.get("/search/", {"q": payload})
        assert response.status_code == 200, payload
        html = response.content.decode()
        found += "search-result__link" in html
        problems = active_content(reflected_part(html))
        if problems:
            failures[payload] = problems
    assert failures == {}
    assert found > len(xss_payloads) // 2  # most payloads did reach result snippets, so the check meant something


@override_settings(FOLLOW_UP_RATE_LIMIT=100_000)
def test_every_payload_as_a_follow_up_question_is_inert(client, xss_payloads, hostile_articles):
    """Stored, echoed back (or refused and kept in the form), the question never runs."""
    from articles.models import FollowUpQuestion

    article = hostile_articles[0]
    url = f"/articles/{article.slug}/follow-up/"
    failures = {}
    for payload in xss_payloads:
        response = client.post(url, {"text": payload, "website": ""})
        assert response.status_code in (200, 400), payload
        problems = active_content(reflected_part(response.content.decode()))
        if problems:
            failures[payload] = problems
    assert failures == {}
    stored = FollowUpQuestion.objects.count()
    assert stored == sum(1 for p in xss_payloads if 10 <= len(p.strip()) <= 1000)
