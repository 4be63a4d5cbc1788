"""In Chromium: the Content-Security-Policy blocks nothing the site uses; error and sign-in pages look right."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Status
from tests.factories import make_article, make_editor, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.make_user's password


def csp_violations(page):
    """Console messages Chromium logs when the page's policy blocks something."""
    messages = []
    page.on("console", lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None)
    return messages


def test_public_pages_run_under_the_policy_with_nothing_blocked(live_server, page, screenshot_dir):
    """The article, home, search and 404 pages load their styles and show no CSP violation."""
    article = make_article(status=Status.APPROVED, guidelines="Take it **with food**.", question="Should iron tablets be taken with food?")
    violations = csp_violations(page)
    for path in ["/", article.get_absolute_url(), "/search/?q=iron", "/no-such-page/"]:
        page.goto(live_server.url + path)
        # The site's stylesheet applied: the header has its background, not the browser's default.
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.screenshot(path=str(screenshot_dir / "hardening-404.png"), full_page=True)
    assert violations == []


def test_reviewer_signs_in_with_a_code_and_edits_under_the_admin_policy(live_server, page, screenshot_dir, settings):
    """A reviewer signs in with their authenticator's code; the admin's article page (Markdown editor) breaks no policy."""
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Medical reviewers"]
    reviewer = make_reviewer("totp-rita", name="Rita Reviewer")
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    article = make_article(status=Status.SUBMITTED, guidelines="Text under review.", author=make_editor("ed-under-policy"))
    violations = csp_violations(page)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert "Medical reviewers sign in with a code" in page.locator(".errornote").inner_text()
    page.screenshot(path=str(screenshot_dir / "hardening-login-code-required.png"), full_page=True)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", str(totp(device.bin_key, step=device.step, t0=device.t0, digits=6)).zfill(6))
    page.click("input[type=submit]")
    assert "totp-rita" in page.locator("#user-tools").inner_text().lower()
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    assert page.locator(".workflow").count() == 1
    page.screenshot(path=str(screenshot_dir / "hardening-admin-article.png"), full_page=False)
    assert violations == []


def test_editor_live_preview_works_under_the_admin_policy(live_server, page, screenshot_dir):
    """An editor (password only) types Markdown and sees the live preview; the policy blocks nothing."""
    editor = make_editor("preview-ed")
    article = make_article(status=Status.DRAFT, guidelines="Old text.", author=editor)
    violations = csp_violations(page)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_sections-0-body", "Drink **plenty of water** each day.")
    preview = page.locator(".markdownx-preview").first
    preview.locator("strong").wait_for(timeout=10_000)
    assert preview.locator("strong").inner_text() == "plenty of water"
    assert violations == []
