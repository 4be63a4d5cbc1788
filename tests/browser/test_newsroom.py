"""The newsroom in headless Chromium: an editor writes with a live preview for every section and never
loses a keystroke; a reviewer works from the queue through two rounds, seeing only what changed."""

import pytest

from articles.models import Article, Status
from tests.browser.test_review_workflow import log_in, press
from tests.factories import make_editor, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Should a sprained ankle be iced?"


def test_editor_and_reviewer_take_a_new_article_through_two_review_rounds(live_server, browser, page, screenshot_dir):
    """Editor: two added sections with live previews, save and submit. Reviewer: queue, start, request
    changes. Editor: warned before a workflow button would drop an edit; resubmits. Reviewer: diff of the
    change only, approve."""
    make_editor("ed-newsroom")
    make_reviewer("rev-newsroom", name="Rae Review", credentials="MD")
    base = live_server.url
    clicks = {"editor": 0, "reviewer": 0}

    # The editor writes a new article with two sections added in the page: both previews render.
    log_in(page, base, "ed-newsroom")
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_question", QUESTION)
    for index, (kind, text) in enumerate([("1", "Ice for **15 minutes** at a time."), ("2", "Trials found *less swelling*.")]):
        page.get_by_text("Add another Answer section").click()
        clicks["editor"] += 1
        page.select_option(f"#id_sections-{index}-kind", kind)
        page.fill(f"#id_sections-{index}-body", text)
        preview = page.locator(f"#id_sections-{index}-body").locator("xpath=ancestor::div[contains(@class,'markdownx')][1]").locator(".markdownx-preview")
        strong_or_em = "strong" if index == 0 else "em"
        preview.locator(strong_or_em).wait_for(timeout=10_000)
    # A citation whose key no attached reference has is flagged in the preview before any save.
    page.fill("#id_sections-1-body", "Trials found *less swelling* [@nowhere].")
    flagged = page.locator("#id_sections-1-body").locator("xpath=ancestor::div[contains(@class,'markdownx')][1]").locator(".citation-unknown")
    flagged.wait_for(timeout=10_000)
    assert "[@nowhere]" in flagged.inner_text()
    page.screenshot(path=str(screenshot_dir / "newsroom-1-editor-previews-1280.png"), full_page=True)
    page.fill("#id_sections-1-body", "Trials found *less swelling*.")
    page.get_by_role("button", name="Save and submit for review").click()
    clicks["editor"] += 1
    assert "Saved and submitted for review" in page.locator("ul.messagelist").inner_text()
    article = Article.objects.get(question=QUESTION)
    assert article.status == Status.SUBMITTED

    # The reviewer finds it in the queue on the admin home, starts the review and asks for a change.
    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(reviewer, base, "rev-newsroom")
    queue = reviewer.locator(".review-queue")
    assert QUESTION in queue.inner_text()
    reviewer.screenshot(path=str(screenshot_dir / "newsroom-2-reviewer-queue-1280.png"), full_page=True)
    queue.get_by_role("link", name=QUESTION).click()
    assert "now Under Review" in press(reviewer, "Start review")
    assert "now Submitted" in press(reviewer, "Request changes", "Say how often to ice per day.")
    clicks["reviewer"] += 3

    # The editor types a change, then presses a workflow button by mistake: warned, nothing lost.
    page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    assert "Say how often to ice per day." in page.locator(".workflow").inner_text()
    page.fill("#id_sections-0-body", "Ice for **15 minutes** at a time, three times a day.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator(".workflow form", has=page.get_by_role("button", name="Changes made — resubmit")).locator("textarea").fill("x")
    page.get_by_role("button", name="Changes made — resubmit").click()
    assert dialogs and "not saved" in dialogs[0]
    assert page.locator("#id_sections-0-body").input_value().endswith("three times a day.")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "now Submitted" in press(page, "Changes made — resubmit", "Added how often: three times a day.")
    clicks["editor"] += 3

    # The reviewer sees only that change, beside the buttons, and approves.
    reviewer.goto(base + f"/admin/articles/article/{article.pk}/change/")
    assert "now Under Review" in press(reviewer, "Start review")
    diff = reviewer.locator(".workflow .review-diff")
    assert "since you requested changes" in diff.locator("h3").inner_text()
    assert diff.locator("li.added").all_inner_texts() == ["Ice for **15 minutes** at a time, three times a day."]
    assert "@@" not in diff.inner_text()
    reviewer.screenshot(path=str(screenshot_dir / "newsroom-3-reviewer-second-round-1280.png"), full_page=False)
    assert "now Approved" in press(reviewer, "Approve", "Checked.")
    clicks["reviewer"] += 2
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    print(f"clicks: editor {clicks['editor']}, reviewer {clicks['reviewer']}")


@pytest.mark.parametrize("path", ["/admin/articles/article/", "/admin/articles/followupquestion/"])
def test_change_lists_fit_a_1280_pixel_screen(live_server, browser, page, screenshot_dir, path):
    """A reviewer at 1280 px sees every column of the article and follow-up lists without scrolling sideways."""
    from django.core.management import call_command

    from articles.models import FollowUpQuestion

    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(slug="what-is-the-likely-cause-of-neuroendocrine-tumors-nets")
    FollowUpQuestion.objects.create(article=seed, text="Can a carcinoid tumour come back years after surgery, and how would we know?")
    make_reviewer("rev-lists")
    log_in(page, live_server.url, "rev-lists")
    page.goto(live_server.url + path)
    overflow = page.evaluate(
        "() => { const t = document.querySelector('#changelist .results'); return t.scrollWidth - t.clientWidth; }"
    )
    name = path.strip("/").split("/")[-1]
    page.screenshot(path=str(screenshot_dir / f"newsroom-list-{name}-1280.png"), full_page=False)
    assert overflow <= 0, f"{path} is {overflow}px wider than its box"
