"""An editor and a reviewer take a new article from Draft to Approved in the admin, in headless Chromium.

A reader's browser checks the public page after every move.
"""

import pytest

from articles.models import Article
from tests.factories import make_editor, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.make_user's password
QUESTION = "How long does a cast stay on after a wrist fracture?"
BANNER = "Exercise caution as content is pending human review"


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert username in page.locator("#user-tools").inner_text().lower()


def press(page, button, comment=""):
    """Fill the comment box of a workflow button and press it; returns the message shown."""
    form = page.locator(".workflow form", has=page.get_by_role("button", name=button))
    if comment:
        form.locator("textarea").fill(comment)
    form.get_by_role("button", name=button).click()
    return page.locator("ul.messagelist").inner_text()


def test_editor_and_reviewer_take_an_article_from_draft_to_approved(live_server, browser, page, screenshot_dir):
    """Draft is private; Submitted and Under Review show the banner; approval shows who reviewed and when."""
    editor = make_editor("erin-editor")
    make_reviewer("rory-reviewer", name="Rory Reviewer", credentials="MD, FRCP")
    base = live_server.url
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # The editor writes and saves a new article: a private draft.
    log_in(page, base, editor.username)
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_question", QUESTION)
    page.get_by_text("Add another Answer section").click()
    page.select_option("#id_sections-0-kind", "1")
    page.fill("#id_sections-0-body", "Most simple wrist fractures are kept in a cast for about six weeks.")
    page.get_by_role("button", name="Save and continue editing").click()
    assert page.locator("[data-testid=workflow-status]").inner_text() == "Draft"
    article = Article.objects.get(question=QUESTION)
    public_url = base + article.get_absolute_url()
    assert reader.goto(public_url).status == 404

    # The editor sees only "Submit for review", and submits.
    assert page.locator(".workflow button").all_inner_texts() == ["Submit for review"]
    assert "now Submitted" in press(page, "Submit for review", "First draft, ready for the board.")
    page.screenshot(path=str(screenshot_dir / "workflow-1-editor-submitted.png"), full_page=True)
    assert reader.goto(public_url).status == 200
    assert reader.get_by_text(BANNER).is_visible()
    assert reader.locator('.stepper [aria-current="step"]').inner_text().endswith("Submitted")
    reader.screenshot(path=str(screenshot_dir / "workflow-2-public-submitted.png"), full_page=True)

    # The reviewer starts the review: the page says Under Review, still pending.
    reviewer_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(reviewer_page, base, "rory-reviewer")
    reviewer_page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    assert reviewer_page.locator(".workflow button").all_inner_texts() == ["Start review"]
    assert "now Under Review" in press(reviewer_page, "Start review")
    assert reviewer_page.locator("[data-testid=review-holder]").inner_text() == "rory-reviewer"
    reader.goto(public_url)
    assert reader.get_by_text(BANNER).is_visible()
    assert reader.locator('.stepper [aria-current="step"]').inner_text().endswith("Under Review")

    # The reviewer reads the new text (first review: all of it) and approves.
    assert reviewer_page.locator(".review-diff__lines li.added", has_text="six weeks").count() == 1
    reviewer_page.screenshot(path=str(screenshot_dir / "workflow-3-reviewer-under-review.png"), full_page=True)
    assert "now Approved" in press(reviewer_page, "Approve", "Matches current fracture-clinic guidance.")
    history = reviewer_page.locator(".review-history tbody tr").all_inner_texts()
    assert len(history) == 4 and "Matches current fracture-clinic guidance." in history[0]
    assert "Created" in history[3] and "erin-editor" in history[3]

    # The reader sees an approved page: no banner, the reviewer linked to the board page, the next date.
    reader.goto(public_url)
    assert reader.get_by_text(BANNER).count() == 0
    assert reader.locator('.stepper [aria-current="step"]').inner_text().endswith("Approved")
    assert reader.locator(".board-badge").inner_text().endswith("Reviewed for accuracy by our Medical Advisory Board")
    reader.locator(".editorial-meta summary").click()  # the review details, one line until opened
    meta = reader.locator(".editorial-meta").inner_text()
    assert "Last reviewed:" in meta and "by Rory Reviewer, MD, FRCP" in meta and "Next review due:" in meta
    reader.screenshot(path=str(screenshot_dir / "workflow-4-public-approved.png"), full_page=True)
    reader.get_by_role("link", name="Rory Reviewer, MD, FRCP").click()
    assert reader.get_by_role("heading", name="Rory Reviewer, MD, FRCP").is_visible()
    reader.context.close()
    reviewer_page.context.close()
