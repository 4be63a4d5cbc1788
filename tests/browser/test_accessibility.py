"""axe-core (axe-playwright-python) in Debian's Chromium: no violation of any impact on any page type."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Audience
from tests.factories import make_user
from tests.site_pages import FOLLOW_UP_TEXT, PUBLIC_PAGES, build_site, public_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def assert_no_violations(page, name, screenshot_dir):
    """Run axe on the page as it is now; fail with axe's own report."""
    page.screenshot(path=str(screenshot_dir / f"standards-{name}.png"), full_page=True)
    results = AXE.run(page)
    print(f"axe {name}: {results.violations_count} violations")
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_axe_violations(live_server, page, name, screenshot_dir):
    """Each public page type, in the audience it is read in, passes every axe rule."""
    article = build_site()
    path, audience = public_page(name, article)
    if audience:
        page.context.add_cookies([{"name": "audience", "value": audience, "url": live_server.url}])
    page.goto(live_server.url + path)
    assert_no_violations(page, name, screenshot_dir)


def test_follow_up_result_has_no_axe_violations(live_server, page, screenshot_dir):
    """The article page after a follow-up question was sent, with its matches."""
    article = build_site()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Your question").fill(FOLLOW_UP_TEXT)
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("Your question was sent to our editors")).to_be_visible()
    assert_no_violations(page, "follow-up-result", screenshot_dir)


def test_citation_target_keeps_the_readers_place(live_server, phone_page, screenshot_dir):
    """On a phone: a citation goes to its reference, marked; the back-link returns to that citation."""
    article = build_site()
    page = phone_page
    page.goto(live_server.url + article.get_absolute_url())
    citation = page.locator("#cite-4-a")
    expect(citation).to_have_accessible_name("Reference 4: Timing of thyroid hormone intake: a demo review")
    citation.click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url() + "#ref-4")
    marked = page.evaluate("getComputedStyle(document.querySelector('#ref-4')).backgroundColor")
    assert marked == "rgb(255, 248, 214)"
    page.screenshot(path=str(screenshot_dir / "standards-citation-target-390.png"))
    page.locator("#ref-4").get_by_role("link", name="Back to citation a of reference 4").click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url() + "#cite-4-a")
    expect(page.locator("#cite-4-a")).to_be_in_viewport()


def test_keyboard_journey_search_article_personalize_follow_up(live_server, page, screenshot_dir):
    """Keyboard only: search from home, open the article, choose Patient, send a follow-up; focus always visible."""
    article = build_site()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    def tab_to(locator, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                outline = locator.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
                assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
                return
        raise AssertionError(f"Tab never reached {locator}")

    searchbox = page.get_by_role("searchbox").first
    tab_to(searchbox)
    page.keyboard.type("underactive thyroid")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name=article.question)
    tab_to(link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(article.question)
    patient = page.get_by_role("button", name="Patient", exact=True)
    tab_to(patient)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Patient", exact=True)).to_have_attribute("aria-pressed", "true")
    box = page.get_by_label("Your question")
    tab_to(box)
    page.keyboard.type(FOLLOW_UP_TEXT)
    tab_to(page.get_by_role("button", name="Send my question"))
    page.screenshot(path=str(screenshot_dir / "standards-keyboard-focus.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your question was sent to our editors")).to_be_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}["audience"] == Audience.PATIENT


def test_admin_article_change_page_has_no_axe_violations(live_server, page, screenshot_dir):
    """The editors' workflow screen: the article change page with its review panel."""
    article = build_site()
    make_user("standards-admin", superuser=True)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Username").fill("standards-admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_violations(page, "admin-article-change", screenshot_dir)
