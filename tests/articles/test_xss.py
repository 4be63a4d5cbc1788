"""Every payload of the XSS list stays inert on its way through the pipeline and onto pages."""

import pytest

from tests.rendering import markdown_to_html
from tests.factories import make_article, make_reference
from tests.inert import active_content

CHUNK = 400


def chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def test_the_payload_list_is_complete(xss_payloads):
    """The shared list has 6,613 payloads; a truncated copy would prove little."""
    assert len(xss_payloads) == 6613


@pytest.mark.once  # the pipeline alone: no database
def test_every_payload_is_inert_after_the_pipeline(xss_payloads):
    """Markdown → citations → bleach leaves no script, event handler or javascript: URL."""
    failures = {}
    for payload in xss_payloads:
        for text in (payload, f"Text [link]({payload}) and ![img]({payload}) <a href=\"{payload}\">x</a>"):
            problems = active_content(markdown_to_html(text))
            if problems:
                failures[text] = problems
    assert failures == {}


@pytest.mark.django_db
def test_payloads_in_article_text_and_reference_fields_are_inert_on_the_page(client, xss_payloads):
    """Editors' text and every reference field reach the article page inert."""
    failures = []
    for number, batch in enumerate(chunks(xss_payloads)):
        reference = make_reference(
            title=" ".join(batch[:40])[:500],
            authors=" ".join(batch[40:60])[:1000],
            container=" ".join(batch[60:80])[:300],
            volume=batch[0][:30],
            pages=batch[1][:50],
        )
        article = make_article(
            question=batch[2][:300],
            summary="\n".join(batch[:50]),
            guidelines="\n\n".join(batch) + " [@x]",
            research="\n".join(f"- {line}" for line in batch),
            references={"x": reference},
            slug=f"xss-{number}",
        )
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        failures += active_content(response.content.decode())
    assert failures == []


@pytest.mark.django_db
def test_reference_url_with_javascript_scheme_never_becomes_a_link(client):
    """URLField validation aside, a stored javascript: URL is not rendered as a live link."""
    reference = make_reference(title="Hostile", url="javascript:alert(1)")
    article = make_article(guidelines="Claim [@h].", references={"h": reference})
    html = client.get(article.get_absolute_url()).content.decode()
    assert active_content(html) == []
