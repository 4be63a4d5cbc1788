"""In Chromium: a form on another site cannot post a follow-up question (no CSRF token, the Origin check refuses it)."""

import pytest
from playwright.sync_api import expect

from articles.models import FollowUpQuestion
from tests.factories import make_approved_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_form_on_another_site_is_refused_with_a_clear_page(live_server, page, screenshot_dir):
    """The browser sends its own Origin; a page that is not ours gets a 403 saying why, and nothing is stored."""
    article = make_approved_article("Can a foreign form post here?", guidelines="No.")
    action = f"{live_server.url}/articles/{article.slug}/follow-up/"
    page.set_content(
        f'<form method="post" action="{action}"><textarea name="text">A question from another site?</textarea>'
        '<input name="website" value=""><button>Send</button></form>'
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form was sent from another site")
    page.screenshot(path=str(screenshot_dir / "foreign-form-refused-1280.png"), full_page=True)
    assert FollowUpQuestion.objects.count() == 0
