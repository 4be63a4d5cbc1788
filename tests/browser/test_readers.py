"""A new reader on a phone: search from home, switch to patient language, ask a follow-up; an editor finds it."""

import pytest
from playwright.sync_api import expect

from articles.models import FollowUpQuestion
from tests.factories import make_approved_article, make_article_with_versions, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/"
PATIENT_TEXT = "Your thyroid makes too little hormone. A daily pill can fix this."
DEFAULT_TEXT = "Primary hypothyroidism is treated with levothyroxine titrated to TSH."


@pytest.fixture
def thyroid_articles():
    article = make_article_with_versions(
        "How is an underactive thyroid treated?",
        summary="Thyroid hormone tablets replace what the thyroid no longer makes.",
        guidelines=DEFAULT_TEXT,
        versions={"patient": PATIENT_TEXT},
    )
    match = make_approved_article(
        "Can thyroid tablets be taken with coffee?", guidelines="Coffee can reduce how much thyroid tablet is absorbed."
    )
    return article, match


def test_a_patient_on_a_phone_searches_personalizes_and_asks(live_server, phone_page, browser, thyroid_articles, screenshot_dir):
    """The whole reader journey of issue 4 on a 390 px window, then the editor's view in the admin."""
    article, match = thyroid_articles
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search medical questions").fill("underactive thyroid")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “underactive thyroid”")
    page.screenshot(path=str(screenshot_dir / "readers-journey-1-search-390.png"), full_page=True)

    page.get_by_role("link", name=article.question).click()
    expect(page.get_by_text(DEFAULT_TEXT)).to_be_visible()
    page.get_by_role("button", name="Patient", exact=True).click()
    # A plain POST and redirect: back on the same article, now in patient language.
    expect(page).to_have_url(live_server.url + article.get_absolute_url() + "#personalize")
    expect(page.get_by_text(PATIENT_TEXT)).to_be_visible()
    assert page.get_by_text(DEFAULT_TEXT).count() == 0
    assert page.get_by_role("button", name="Patient", exact=True).get_attribute("aria-pressed") == "true"
    expect(page.get_by_text("It is not a diagnosis and does not replace advice from a doctor")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["audience"]["value"] == "patient"
    page.screenshot(path=str(screenshot_dir / "readers-journey-2-patient-version-390.png"), full_page=True)

    page.get_by_label("Your question").fill("Can I take my thyroid tablet with coffee in the morning?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("Your question was sent to our editors")).to_be_visible()
    expect(page.locator("#follow-up").get_by_role("link", name=match.question)).to_be_visible()
    page.locator("#follow-up").screenshot(path=str(screenshot_dir / "readers-journey-3-follow-up-sent-390.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    question = FollowUpQuestion.objects.get()
    assert (question.article_id, question.audience) == (article.pk, "patient")

    # The editor, on a desktop, finds the question in the admin.
    make_user("editor-in-browser", superuser=True)
    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    editor.goto(live_server.url + "/admin/articles/followupquestion/")
    editor.get_by_label("Username").fill("editor-in-browser")
    editor.get_by_label("Password").fill("correct horse battery staple")
    editor.get_by_role("button", name="Log in").click()
    expect(editor.get_by_role("link", name="Can I take my thyroid tablet with coffee in the morning?")).to_be_visible()
    editor.screenshot(path=str(screenshot_dir / "readers-journey-4-editor-admin-1280.png"), full_page=True)
    editor.context.close()


def test_a_refused_follow_up_keeps_the_readers_text(live_server, phone_page, thyroid_articles):
    """Too short: the message says why, and the words typed are still in the box."""
    article, _ = thyroid_articles
    phone_page.goto(live_server.url + article.get_absolute_url())
    phone_page.get_by_label("Your question").fill("Coffee?")
    phone_page.get_by_role("button", name="Send my question").click()
    expect(phone_page.get_by_text("a question needs at least 10 characters (it has 7)")).to_be_visible()
    assert phone_page.get_by_label("Your question").input_value() == "Coffee?"
    assert FollowUpQuestion.objects.count() == 0


def test_the_switch_works_with_javascript_off(live_server, browser, thyroid_articles):
    """The site needs no script: a context with JavaScript disabled switches and resets the version."""
    article, _ = thyroid_articles
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("button", name="Patient", exact=True).click()
    expect(page.get_by_text(PATIENT_TEXT)).to_be_visible()
    page.get_by_role("button", name="Everyone", exact=True).click()
    expect(page.get_by_text(DEFAULT_TEXT)).to_be_visible()
    assert "audience" not in {c["name"] for c in context.cookies()}
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_home_search_and_seed_article(live_server, browser, demo_content, screenshot_dir, width):
    """The pages readers land on, at phone and desktop width, saved for review by eye; nothing overflows."""
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    for name, url in (("home", "/"), ("search", "/search/?q=neuroendocrine+tumor"), ("seed-article", SEED)):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
        page.screenshot(path=str(screenshot_dir / f"readers-{name}-{width}.png"), full_page=True)
    page.emulate_media(media="print")
    page.goto(live_server.url + SEED)
    assert page.locator(".follow-up").is_hidden() and page.locator(".personalize").is_hidden()
    expect(page.locator(".references")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / f"readers-seed-article-print-{width}.png"), full_page=True)
    context.close()
