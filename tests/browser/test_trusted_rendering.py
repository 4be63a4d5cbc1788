"""In Chromium: editor markup cannot show a "Reviewed" badge on a pending page; the site's cap on follow-ups reads kindly."""

import pytest
from django.test import override_settings

from articles.models import FollowUpQuestion
from tests.factories import make_approved_article, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPOOF = (
    'Evidence [@nccn] from <a class="status-tag status-tag--approved" href="https://example.org/">Reviewed</a> '
    'and a <a class="visually-hidden" id="follow-up" href="https://example.org/hidden">hidden link</a>.\n\n'
    "See [the guideline](https://www.nccn.org/guidelines) for details."
)


def test_pending_page_with_imitation_markup_shows_no_reviewed_badge(live_server, page, screenshot_dir):
    """The imitation badge is a plain link, the hidden link is visible, and the citation still jumps to its reference."""
    article = make_article(
        "Can editor markup pass for a reviewed badge?",
        guidelines=SPOOF,
        summary="A pending article.",
        references={"nccn": {"title": "NCCN Guidelines: Neuroendocrine and Adrenal Tumors", "container": "NCCN"}},
    )
    page.goto(live_server.url + article.get_absolute_url())
    body = page.locator(".article-section, section").filter(has_text="Evidence").first
    assert body.locator(".status-tag, .visually-hidden").count() == 0
    assert page.get_by_role("link", name="hidden link").is_visible()
    assert page.get_by_role("link", name="the guideline").get_attribute("rel") == "nofollow noopener"
    assert page.locator("#follow-up").count() == 1
    assert page.get_by_text("Exercise caution as content is pending human review").is_visible()
    page.locator("sup.citations a").first.click()
    assert page.url.endswith("#ref-1")
    page.screenshot(path=str(screenshot_dir / "spoofing-pending-article-1280.png"), full_page=True)


@override_settings(FOLLOW_UP_SITE_RATE_LIMIT=1)
def test_site_wide_cap_refuses_kindly_and_keeps_the_question(live_server, page, screenshot_dir):
    """Once the site's hourly allowance is used, a reader gets a 429 page saying so, with the question still typed."""
    article = make_approved_article("What triggers migraine?", guidelines="Sleep, stress and some foods.")
    FollowUpQuestion.objects.create(article=article, text="Another reader's question?", client_hash="other")
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Your question").fill("Can weather changes trigger a migraine?")
    with page.expect_response(lambda response: "/follow-up/" in response.url) as answer:
        page.get_by_role("button", name="Send my question").click()
    assert answer.value.status == 429
    assert page.get_by_text("We have received more questions than usual in the last hour").is_visible()
    assert page.get_by_label("Your question").input_value() == "Can weather changes trigger a migraine?"
    page.locator("#follow-up").screenshot(path=str(screenshot_dir / "follow-up-site-cap-1280.png"))
