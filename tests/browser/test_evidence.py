"""The issue's walk-through in Chromium: import the same paper twice, grade, approve with an evidence month, read."""

from pathlib import Path

import pytest

from articles.models import Article, ChangeSize
from references.models import Reference
from tests.browser.test_review_workflow import log_in, press
from tests.factories import approve_current, edit_article, make_editor, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parent.parent / "references" / "data"
QUESTION = "Which drugs control carcinoid syndrome? (test walk-through)"
GUIDELINES = (
    "- Offer a somatostatin analogue to control carcinoid syndrome [@trial1]. {grade=1B by=NCCN}\n"
    "- Consider adding telotristat for diarrhoea that persists. {grade=2C by=ESMO}\n"
)


def import_file(page, base, name):
    """Upload one export, look at the preview, press Import; returns the preview text."""
    page.goto(base + "/admin/references/reference/import/")
    page.set_input_files("#id_file", str(DATA / name))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#content-main").inner_text()
    return preview


def test_editor_imports_grades_reviewer_approves_reader_sees_the_evidence(live_server, browser, page, screenshot_dir):
    """PubMed then RIS of the same paper give one reference; the page shows grades, evidence month, what changed."""
    make_editor("evie-editor")
    make_reviewer("rhea-reviewer", name="Rhea Reviewer", credentials="MD")
    base = live_server.url
    log_in(page, base, "evie-editor")

    preview = import_file(page, base, "pubmed-three-records.nbib")
    assert "Nothing has been saved yet" in preview and preview.count("New reference") == 3
    page.screenshot(path=str(screenshot_dir / "evidence-1-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Import 3 records").click()
    assert "Created 3 references." in page.locator("ul.messagelist").inner_text()
    paper = Reference.objects.get(pmid="90000001")

    preview = import_file(page, base, "ris-same-papers.ris")
    assert f"Matched existing reference {paper.pk}" in preview
    page.screenshot(path=str(screenshot_dir / "evidence-2-import-matched.png"), full_page=True)
    page.get_by_role("button", name="Import 3 records").click()
    messages = page.locator("ul.messagelist").inner_text()
    assert f"Matched existing reference {paper.pk}" in messages and "Created 1 reference." in messages
    assert Reference.objects.filter(title__startswith="Test record one").count() == 1

    # The editor writes a graded recommendation citing the imported paper, and submits it.
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_question", QUESTION)
    page.get_by_text("Add another Answer section").click()
    page.select_option("#id_sections-0-kind", "1")
    page.fill("#id_sections-0-body", GUIDELINES)
    page.get_by_text("Add another attached reference").click()
    page.fill("#id_citations-0-key", "trial1")
    page.locator("#citations-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Test record one")
    page.locator(".select2-results__option", has_text="Test record one").click()
    page.get_by_role("button", name="Save and continue editing").click()
    assert "Submitted" not in page.locator("[data-testid=workflow-status]").inner_text()
    press(page, "Submit for review")
    article = Article.objects.get(question=QUESTION)

    # The reviewer approves, confirming the evidence month.
    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(reviewer, base, "rhea-reviewer")
    reviewer.goto(base + f"/admin/articles/article/{article.pk}/change/")
    press(reviewer, "Start review")
    approve = reviewer.locator(".workflow form", has=reviewer.get_by_role("button", name="Approve"))
    approve.locator("input[name=evidence_through]").fill("2026-09")
    assert "First published after review." in approve.inner_text()
    reviewer.screenshot(path=str(screenshot_dir / "evidence-3-approve-with-evidence-month.png"), full_page=True)
    assert "now Approved" in press(reviewer, "Approve", "Checked against the test guideline.")

    # A reader sees the grades with their legend, the evidence month and what changed.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(base + article.get_absolute_url())
    assert reader.locator("#guidelines .prose .grade").all_inner_texts()[0].startswith("NCCN Grade 1B")
    legend = reader.locator(".grade-legend").inner_text()
    assert "Strong recommendation, moderate-quality evidence." in legend and "Weak (conditional)" in legend
    assert "Evidence to Sep 2026" in reader.locator(".editorial-meta summary").inner_text()
    reader.locator(".editorial-meta summary").click()  # the dates' details open without JavaScript
    meta = reader.locator(".editorial-meta").inner_text()
    assert "Evidence current through: September 2026" in meta and "Last reviewed:" in meta
    assert reader.locator(".what-changed").count() == 0  # first publication: nothing changed for readers yet
    reader.screenshot(path=str(screenshot_dir / "evidence-4-public-page.png"), full_page=True)

    # An update that changes the recommendation is flagged; all changes are listed.
    edit_article(article, guidelines=GUIDELINES.replace("Consider adding", "Offer"), change_size=ChangeSize.RECOMMENDATION,
                 change_summary="Telotristat is now recommended, not only considered.")  # fmt: skip
    approve_current(article)
    # A browser may reuse its copy for a minute (Cache-Control max-age): the next reader comes afresh.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(base + article.get_absolute_url())
    assert "Recommendation changed" in reader.locator(".what-changed").inner_text()
    reader.locator(".what-changed").screenshot(path=str(screenshot_dir / "evidence-5-what-changed-flag.png"))
    reader.get_by_role("link", name="All changes to this article").click()
    assert reader.locator(".changes__entry").count() == 2
    reader.screenshot(path=str(screenshot_dir / "evidence-6-change-log.png"), full_page=True)
    reader.goto(base + "/editorial-policy/#grades")
    reader.locator("#grades").scroll_into_view_if_needed()
    reader.screenshot(path=str(screenshot_dir / "evidence-7-policy-grades.png"), full_page=True)
    reader.context.close()
    reviewer.context.close()
