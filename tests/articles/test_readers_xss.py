"""Every XSS payload sent as a search query or a follow-up question comes back inert."""

import pytest
from django.test import override_settings

from tests.factories import make_approved_article
from tests.inert import active_content

pytestmark = pytest.mark.django_db


def reflected_part(html, start="<main"):
    """The part of the page where a query or question can appear (the search page has no header box)."""
    return html[html.index(start) : html.rindex("</main>") + len("</main>")]


def question_batches(payloads, limit=1000, minimum=10):
    """Payloads joined into texts of at most `limit` characters; those outside the allowed sizes alone."""
    batch = []
    for payload in payloads:
        if not minimum <= len(payload.strip()) <= limit:
            yield payload  # sent alone: refused for its length and echoed back in the form
            continue
        if batch and len("\n".join(batch + [payload])) > limit:
            yield "\n".join(batch)
            batch = []
        batch.append(payload)
    if batch:
        yield "\n".join(batch)


@pytest.fixture
def hostile_articles(xss_payloads):
    """Public articles made of payloads from across the list, so results and snippets carry hostile text too.

    Kept small (the articles' own text is checked whole in test_xss.py); what varies here is the query.
    """
    articles = []
    step = len(xss_payloads) // 10
    for number in range(10):
        batch = xss_payloads[number * step : number * step + 25]
        articles.append(
            make_approved_article(
                question=f"Script alert image question {number} " + batch[0][:200],
                summary=" ".join(batch[:8]),
                guidelines="\n\n".join(batch),
                slug=f"hostile-{number}",
            )
        )
    return articles


def test_every_payload_as_a_search_query_is_inert(client, xss_payloads, hostile_articles):
    """The results page (query echoed, titles and snippets highlighted) never carries live markup.

    Payloads travel in queries of up to 200 characters, the longest the site searches (one request
    each keeps the loop fast); longer payloads are sent alone and cut, as a reader's would be.
    """
    failures = {}
    found = 0
    queries = list(question_batches(xss_payloads, limit=200, minimum=1))
    for query in queries:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        html = response.content.decode()
        found += "search-result__link" in html
        problems = active_content(reflected_part(html))
        if problems:
            failures[query] = problems
    assert failures == {}
    assert found > len(queries) // 2  # most queries did reach highlighted snippets, so the check meant something


@override_settings(FOLLOW_UP_RATE_LIMIT=100_000, FOLLOW_UP_SITE_RATE_LIMIT=100_000)
def test_every_payload_as_a_follow_up_question_is_inert(client, xss_payloads, hostile_articles):
    """Stored and echoed back, or refused and kept in the form, the question never runs.

    Payloads travel in questions of up to 1,000 characters (one request each keeps the loop fast);
    each question is sent once accepted and once refused by the honeypot, so both echoes are checked.
    """
    from articles.models import FollowUpQuestion

    article = make_approved_article("A short article for follow-ups?", guidelines="Short.", slug="follow-up-target")
    url = f"/articles/{article.slug}/follow-up/"
    failures = {}
    questions = list(question_batches(xss_payloads))
    assert sum(q.count("\n") + 1 for q in questions) >= len(xss_payloads)
    for question in questions:
        for honeypot in ("", "filled by a bot"):
            response = client.post(url, {"text": question, "website": honeypot}, HTTP_ORIGIN="http://testserver", follow=True)
            assert response.status_code in (200, 400), question
            problems = active_content(reflected_part(response.content.decode(), '<section class="follow-up"'))
            if problems:
                failures[question] = problems
    assert failures == {}
    accepted = [q for q in questions if 10 <= len(q.strip()) <= 1000]
    assert FollowUpQuestion.objects.count() == len(accepted)
