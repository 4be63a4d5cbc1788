"""The seed article in a real browser: every part present, links working, screenshots saved."""

import pytest

SEED = "/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seed_article_shows_every_part(live_server, page, demo_content, screenshot_dir):
    """A reader arriving from a search engine sees the whole page, in order, and citations jump to references."""
    page.goto(live_server.url + SEED)
    assert page.locator("h1").all_inner_texts() == ["What is the likely cause of neuroendocrine tumors (NETs)?"]
    # The badge never contradicts the review state: this article is not reviewed yet, and says so.
    assert page.locator(".board-badge").inner_text().endswith("Not yet reviewed: waiting for a board member")
    assert page.get_by_text("Exercise caution as content is pending human review").is_visible()
    assert page.locator('.stepper [aria-current="step"]').inner_text().endswith("Submitted")
    assert page.get_by_role("heading", name="The short answer").is_visible()
    assert page.locator(".editorial-meta summary").inner_text().startswith("Updated ")
    page.locator(".editorial-meta summary").click()  # the details open without JavaScript (<details>)
    assert page.get_by_text("Last updated:").is_visible()
    for heading in ("From the Guidelines", "From the Research", "References", "Related Questions", "Professional Medical Disclaimer"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    assert page.locator(".references li").count() == 7

    page.locator("sup.citations a").first.click()
    assert page.url.endswith("#ref-1")
    assert page.locator("#ref-1").is_visible()

    page.screenshot(path=str(screenshot_dir / "seed-article-1280.png"), full_page=True)

    page.get_by_role("link", name="View editorial policy").click()
    assert page.get_by_role("heading", name="Editorial policy", level=1).is_visible()


def test_seed_article_reads_on_a_phone(live_server, phone_page, demo_content, screenshot_dir):
    """No sideways scrolling on a 390 px wide phone."""
    phone_page.goto(live_server.url + SEED)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth") - phone_page.viewport_size["width"]
    assert overflow <= 0
    assert phone_page.locator("h1").is_visible()
    phone_page.screenshot(path=str(screenshot_dir / "seed-article-390.png"), full_page=True)


def test_unknown_article_shows_the_designed_404(live_server, page):
    response = page.goto(live_server.url + "/articles/not-a-real-question/")
    assert response.status == 404
    assert page.get_by_role("heading", name="We couldn’t find that page").is_visible()
    assert page.get_by_role("link", name="Go to the home page").is_visible()


def test_on_a_phone_the_short_answer_is_in_the_first_screen_and_patient_changes_the_text(live_server, phone_page, demo_content, screenshot_dir):
    """A patient on a 390×844 phone reads the short answer without scrolling; "Patient" switches to plain words."""
    phone_page.goto(live_server.url + SEED)
    box = phone_page.locator(".short-answer").bounding_box()
    phone_page.screenshot(path=str(screenshot_dir / "seed-article-first-screen-390.png"), full_page=False)
    assert box["y"] + 90 <= 844, f"the short answer starts at {box['y']:.0f}px: its first lines are below the first screen"
    assert "Not yet reviewed" in phone_page.locator(".board-badge").inner_text()
    phone_page.get_by_role("button", name="Patient", exact=True).click()
    phone_page.wait_for_url("**#personalize")
    text = phone_page.locator(".answer").first.inner_text()
    assert "Doctors do not know exactly what causes neuroendocrine tumors" in text
    phone_page.screenshot(path=str(screenshot_dir / "seed-article-patient-390.png"), full_page=True)


def test_at_200_percent_text_size_the_phone_header_and_page_still_fit(live_server, phone_page, demo_content, screenshot_dir):
    """A reader who doubles the text size on a phone loses nothing off the side: header and article wrap."""
    phone_page.goto(live_server.url + SEED)
    phone_page.add_style_tag(content="html { font-size: 200% !important; }")
    width = phone_page.viewport_size["width"]  # a phone's layout viewport may widen to fit content: compare with 390
    overflow = phone_page.evaluate("document.documentElement.scrollWidth") - width
    header_overflow = phone_page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.site-header *')].map(e => e.getBoundingClientRect().right))"
    ) - width
    phone_page.screenshot(path=str(screenshot_dir / "seed-article-200-percent-390.png"), full_page=False)
    assert overflow <= 0 and header_overflow <= 0, (overflow, header_overflow)


def test_the_site_has_a_favicon(live_server, page):
    """The tab shows the site's mark; /favicon.ico leads to it too."""
    page.goto(live_server.url + "/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + href).status == 200
    assert page.request.get(live_server.url + "/favicon.ico").status == 200
