"""The admin as the workflow screen: buttons by role, moves by POST, history, diff and edit conflicts."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from articles.models import Article, Status
from reviews import services
from reviews.models import ReviewEvent
from tests.factories import (
    article_admin_data,
    edit_article,
    grant_writing,
    make_article,
    make_editor,
    make_reviewer,
    make_user,
)

pytestmark = pytest.mark.django_db

BUTTONS = ["Submit for review", "Start review", "Request changes", "Approve"]


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def move_url(article, move):
    return f"/admin/articles/article/{article.pk}/review/{move}/"


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def buttons_on(client, article):
    """The workflow buttons the logged-in user sees on the article's change page."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return [button.get_text(strip=True) for button in soup_of(response).select(".workflow button")]


def messages_on(response):
    return [li.get_text(" ", strip=True) for li in soup_of(response).select("ul.messagelist li")]


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("editor", Status.DRAFT, ["Submit for review"]),
        ("editor", Status.SUBMITTED, []),
        ("editor", Status.UNDER_REVIEW, []),
        ("reviewer", Status.DRAFT, []),
        ("reviewer", Status.SUBMITTED, ["Start review"]),
        ("reviewer", Status.UNDER_REVIEW, ["Request changes", "Approve"]),
        ("author-reviewer", Status.UNDER_REVIEW, ["Request changes"]),
        ("superuser", Status.UNDER_REVIEW, ["Request changes", "Approve"]),
        ("other-reviewer", Status.UNDER_REVIEW, ["Take over the review"]),  # another member holds it
        ("staff", Status.DRAFT, None),
    ],
)
def test_buttons_are_shown_only_to_those_allowed(client, role, state, expected):
    """Each role sees exactly the moves it may make; staff without a role cannot open the article."""
    editor = make_editor()
    user = {
        "editor": editor,
        "reviewer": make_reviewer(),
        "superuser": make_reviewer(superuser=True),
        "other-reviewer": make_reviewer(),
        "staff": make_user(),
    }.get(role)
    if role == "author-reviewer":
        user = grant_writing(make_reviewer())
        author = user
    else:
        author = editor
    holder = user if role in ("reviewer", "superuser", "author-reviewer") else None
    article = make_article(status=state, guidelines="Text.", author=author, reviewer=holder)
    client.force_login(user)
    if expected is None:
        assert client.get(change_url(article)).status_code == 403
        return
    assert buttons_on(client, article) == expected
    if role == "author-reviewer":
        assert "four eyes" in soup_of(client.get(change_url(article))).select_one(".workflow").get_text()


def test_each_button_has_a_comment_box_and_request_changes_requires_it(client):
    """The reviewer's forms carry a comment; the one for "Request changes" is required."""
    reviewer = make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=make_editor(), reviewer=reviewer)
    client.force_login(reviewer)
    forms = soup_of(client.get(change_url(article))).select(".workflow form")
    assert len(forms) == 2
    for form in forms:
        assert form["method"] == "post" and form.select_one("textarea[name=comment]") is not None
    request_changes = next(f for f in forms if "Request changes" in f.get_text())
    assert request_changes.select_one("textarea").has_attr("required")


def test_an_editor_and_a_reviewer_take_an_article_from_draft_to_approved(client):
    """Every move made through the admin buttons, with its message, status and history row."""
    editor, reviewer = make_editor("ed"), make_reviewer("rev", name="Rita Review", credentials="MD, PhD")
    article = make_article(status=Status.DRAFT, guidelines="Answer.", author=editor)

    client.force_login(editor)
    response = client.post(move_url(article, "submit"), {"comment": "Ready for the board."}, follow=True)
    assert "the article is now Submitted" in " ".join(messages_on(response))

    client.force_login(reviewer)
    client.post(move_url(article, "start_review"), {"comment": ""})
    page = soup_of(client.get(change_url(article)))
    assert page.select_one("[data-testid=workflow-status]").get_text() == "Under Review"
    assert page.select_one("[data-testid=review-holder]").get_text() == "rev"
    response = client.post(move_url(article, "approve"), {"comment": "Checked against sources."}, follow=True)
    assert "the article is now Approved" in " ".join(messages_on(response))

    article.refresh_from_db()
    assert article.status == Status.APPROVED and article.live_revision == article.current_revision
    assert article.last_reviewed_by_display == "Rita Review, MD, PhD"
    history = [tr.get_text(" ", strip=True) for tr in soup_of(response).select(".review-history tbody tr")]
    assert len(history) == 4
    assert "Approved" in history[0] and "Checked against sources." in history[0]
    assert "Submitted for review" in history[2] and "Ready for the board." in history[2]
    assert "Created" in history[3] and "ed" in history[3]


@pytest.mark.parametrize(
    ("move", "state", "message"),
    [
        ("approve", Status.UNDER_REVIEW, "do not have the right"),
        ("start_review", Status.DRAFT, "do not have the right"),
        ("submit", Status.SUBMITTED, "only possible when the article is Draft or Approved"),
        ("request_changes", Status.UNDER_REVIEW, "do not have the right"),
    ],
)
def test_a_refused_move_is_a_message_never_a_500(client, move, state, message):
    """Posting a move one may not make (a forged form) reports why and changes nothing."""
    editor = make_editor()
    article = make_article(status=state, guidelines="Text.", author=editor)
    client.force_login(editor)
    events_before = ReviewEvent.objects.count()
    response = client.post(move_url(article, move), {"comment": "x"}, follow=True)
    assert response.status_code == 200
    assert any(message in text for text in messages_on(response))
    assert Article.objects.get(pk=article.pk).status == state
    assert ReviewEvent.objects.count() == events_before


def test_request_changes_without_comment_is_reported(client):
    """The reviewer is told to say what to change; the article stays under review."""
    reviewer = make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=make_editor(), reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(move_url(article, "request_changes"), {"comment": ""}, follow=True)
    assert any("Say which changes" in text for text in messages_on(response))
    assert Article.objects.get(pk=article.pk).status == Status.UNDER_REVIEW


def test_move_urls_refuse_get_and_unknown_moves(client):
    """A GET cannot move an article; an unknown move name is reported, not crashed on."""
    article = make_article(status=Status.DRAFT, guidelines="Text.")
    client.force_login(make_user(superuser=True))
    assert client.get(move_url(article, "submit")).status_code == 405
    response = client.post(move_url(article, "publish"), follow=True)
    assert any("Unknown review move" in text for text in messages_on(response))
    assert client.post("/admin/articles/article/999999/review/submit/").status_code == 404
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_status_is_never_editable_in_the_admin(client):
    """No status input on the change form, and a forged status field is ignored."""
    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="Text.", author=editor)
    client.force_login(editor)
    page = soup_of(client.get(change_url(article)))
    assert page.select_one("[name=status]") is None
    data = article_admin_data(article, status="approved", summary="Short answer.")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary == "Short answer." and article.status == Status.DRAFT and article.live_revision is None
    changelist = client.get("/admin/articles/article/")
    assert soup_of(changelist).select_one("#result_list [name$=status]") is None


def test_review_events_cannot_be_added_changed_or_deleted_through_the_admin(client):
    """Even a superuser finds the audit trail read-only."""
    article = make_article(status=Status.DRAFT, guidelines="Text.")
    editor = make_editor()
    services.article_submit(article=article, user=editor, comment="Ready.")
    event = ReviewEvent.objects.get(action="submit")
    client.force_login(make_user(superuser=True))
    assert client.get("/admin/reviews/reviewevent/").status_code == 200
    assert client.get("/admin/reviews/reviewevent/add/").status_code == 403
    assert client.post(f"/admin/reviews/reviewevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/reviews/reviewevent/{event.pk}/change/", {"comment": "Rewritten"}).status_code == 403
    assert "<textarea" not in client.get(f"/admin/reviews/reviewevent/{event.pk}/change/").content.decode()
    bulk = client.post("/admin/reviews/reviewevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert ReviewEvent.objects.get(action="submit").comment == "Ready."
    # Nor can an article with a history be deleted, which would take its history with it.
    client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()


def test_reviewer_sees_a_diff_between_live_and_updated_revision_escaped(client):
    """The reviewer sees removed and added lines; hostile text shows as text."""
    editor, reviewer = make_editor(), make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Take 5 mg daily.", author=editor, reviewer=reviewer)
    article = services.article_approve(article=article, user=reviewer)
    client.force_login(editor)
    data = article_admin_data(article, guidelines='Take 10 mg daily. <script>alert("x")</script>')
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    services.article_submit(article=article, user=editor)

    client.force_login(reviewer)
    response = client.get(change_url(article))
    page = soup_of(response)
    removed = [li.get_text() for li in page.select(".review-diff__lines li.removed")]
    added = [li.get_text() for li in page.select(".review-diff__lines li.added")]
    assert "Take 5 mg daily." in removed
    assert 'Take 10 mg daily. <script>alert("x")</script>' in added
    assert "&lt;script&gt;alert" in response.content.decode()
    assert not page.select(".review-diff script")


def test_editing_an_approved_article_warns_that_review_restarts(client):
    """The editor is told the article is back to Draft while readers keep the approved version."""
    editor = make_editor()
    article = make_article(status=Status.APPROVED, guidelines="Old.", author=editor)
    client.force_login(editor)
    response = client.post(change_url(article), article_admin_data(article, guidelines="New."), follow=True)
    assert any("back to Draft" in text for text in messages_on(response))
    history = soup_of(client.get(change_url(article))).select(".review-history tbody tr")
    assert "Edited" in history[0].get_text() and "Approved → Draft" in history[0].get_text()


def test_concurrent_edits_the_second_save_gets_a_conflict_and_keeps_its_text():
    """Two editors open the same article; the second save is refused with their text still in the form."""
    first, second = Client(), Client()
    editor_a, editor_b = make_editor(), make_editor()
    article = make_article(status=Status.DRAFT, guidelines="Original text.", author=editor_a)
    first.force_login(editor_a)
    second.force_login(editor_b)
    form_a = soup_of(first.get(change_url(article)))
    form_b = soup_of(second.get(change_url(article)))
    assert form_a.select_one("input[type=hidden][name=lock_version]")["value"] == "0"
    assert form_b.select_one("input[type=hidden][name=lock_version]")["value"] == "0"

    assert first.post(change_url(article), article_admin_data(article, guidelines="Text by A.")).status_code == 302
    response = second.post(change_url(article), article_admin_data(article, guidelines="Text by B."))
    assert response.status_code == 200
    page = soup_of(response)
    assert "Someone else saved this article while you were editing it" in page.select_one(".errornote").find_next("ul").get_text()
    assert page.select_one("textarea[name=sections-0-body]").get_text().strip() == "Text by B."
    article.refresh_from_db()
    assert article.sections.get().body == "Text by A."
    assert article.lock_version == 1
    assert article.current_revision.created_by == editor_a

    # Having seen the conflict, B may save deliberately: the form now carries the current version.
    assert page.select_one("input[name=lock_version]")["value"] == "1"
    retry = article_admin_data(article, guidelines="Text by B, merged with A.", lock_version="1")
    assert second.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert article.sections.get().body == "Text by B, merged with A." and article.lock_version == 2


def test_every_successful_save_bumps_the_lock_version(client):
    """Saving twice from fresh forms works and counts up."""
    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="One.", author=editor)
    client.force_login(editor)
    for expected, text in ((1, "Two."), (2, "Three.")):
        article.refresh_from_db()
        assert client.post(change_url(article), article_admin_data(article, guidelines=text)).status_code == 302
        article.refresh_from_db()
        assert article.lock_version == expected


def test_change_list_filters_by_status_reviewer_and_overdue(client):
    """Editors find what is under review by whom, and what is overdue for review."""
    import datetime

    reviewer = make_reviewer("holder")
    under_review = make_article("Under review by holder?", status=Status.SUBMITTED, guidelines="x", author=make_editor())
    services.article_start_review(article=under_review, user=reviewer)
    overdue = make_article("Overdue for review?", status=Status.APPROVED, guidelines="y", author=make_editor(), reviewer=reviewer)
    Article.objects.filter(pk=overdue.pk).update(next_review_due=datetime.date(2020, 1, 1))
    make_article("Fresh draft?", status=Status.DRAFT, guidelines="z")
    client.force_login(make_editor())

    def listed(query):
        response = client.get("/admin/articles/article/" + query)
        assert response.status_code == 200
        return sorted(a.get_text() for a in soup_of(response).select("#result_list th.field-question a"))

    assert listed("?status__exact=under_review") == ["Under review by holder?"]
    assert listed(f"?reviewer={reviewer.pk}") == ["Under review by holder?"]
    assert listed("?review_due=overdue") == ["Overdue for review?"]
    assert listed("") == ["Fresh draft?", "Overdue for review?", "Under review by holder?"]
    page = soup_of(client.get("/admin/articles/article/?status__exact=under_review"))
    assert page.select_one("#result_list td.field-review_holder_name").get_text() == "holder"


def test_editor_sees_the_requested_changes_on_the_article(client):
    """After "Request changes", the editor finds the reviewer's comment at the top of the article."""
    editor, reviewer = make_editor(), make_reviewer("rev2")
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=editor, reviewer=reviewer)
    services.article_request_changes(article=article, user=reviewer, comment="Cite the 2024 guideline for dosing.")
    client.force_login(editor)
    panel = soup_of(client.get(change_url(article))).select_one(".workflow")
    text = " ".join(panel.get_text(" ").split())
    assert "Changes requested by rev2" in text and "Cite the 2024 guideline for dosing." in text
    assert "Waiting for a Medical Advisory Board member to start the review." in text


def test_diff_marks_the_changed_words_inside_a_paragraph():
    """In a long paragraph the reviewer sees exactly which words changed."""
    from reviews.diffs import revision_diff

    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="Give 5 mg once daily with food.", author=editor)
    old = article.current_revision
    new = edit_article(article, user=editor, guidelines="Give 10 mg once daily with food.").revision
    rows = {row["kind"]: row for row in revision_diff(old, new) if row["kind"] in ("added", "removed")}
    assert [text for changed, text in rows["removed"]["segments"] if changed] == ["5"]
    assert [text for changed, text in rows["added"]["segments"] if changed] == ["10"]
    assert "".join(text for _, text in rows["added"]["segments"]) == "Give 10 mg once daily with food."


def test_editing_an_article_under_review_restarts_the_review(client):
    """The editor is told the review starts again; the never-approved page stays public."""
    editor = make_editor()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Old.", author=editor)
    client.force_login(editor)
    response = client.post(change_url(article), article_admin_data(article, guidelines="New."), follow=True)
    assert any("back to Submitted" in text for text in messages_on(response))
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_change_list_names_each_review_holder_without_a_query_per_row(client):
    """The "review held by" column costs the same queries for one article under review as for five."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = make_editor()
    reviewer = make_user("holder-rev", groups=["Medical reviewers"])
    reviewer.first_name, reviewer.last_name = "Rosa", "Holder"
    reviewer.save()
    client.force_login(editor)
    counts = []
    for total in (1, 5):
        while Article.objects.filter(status=Status.UNDER_REVIEW).count() < total:
            article = make_article(status=Status.SUBMITTED, guidelines="Text.", author=editor)
            services.article_start_review(article=article, user=reviewer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/articles/article/?status__exact=under_review")
        counts.append(len(queries))
    cells = [td.get_text(strip=True) for td in soup_of(response).select("td.field-review_holder_name")]
    assert cells == ["Rosa Holder"] * 5
    assert counts[0] == counts[1]


def test_the_admin_home_shows_the_review_queue_oldest_first(client):
    """Reviewers open the admin and see what waits for them: oldest first, who submitted it, how much changed."""
    import datetime

    editor = make_editor("sub-editor")
    older = make_article("Waiting longest?", status=Status.SUBMITTED, guidelines="One.", author=editor)
    newer = make_article("Waiting since today?", status=Status.SUBMITTED, guidelines="Two.", author=editor)
    ReviewEvent.objects.filter(article=older, to_status=Status.SUBMITTED).update(
        created=timezone.now() - datetime.timedelta(days=3)
    )
    make_article("Private draft?", status=Status.DRAFT, guidelines="Three.")
    client.force_login(make_reviewer())
    page = soup_of(client.get("/admin/"))
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.select(".review-queue tbody tr")]
    assert [row.split("?")[0] + "?" for row in rows] == [older.question, newer.question]
    assert "sub-editor" in rows[0] and "new article" in rows[0]
    assert "ClinicalAnswers editorial desk" in page.title.get_text()


def test_the_queue_says_when_an_editor_answered_a_request_and_how_much_changed(client):
    """A resubmission after "Request changes" is tagged, with the number of lines changed since."""
    editor, reviewer = make_editor(), make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Dose text.", author=editor, reviewer=reviewer)
    services.article_request_changes(article=article, user=reviewer, comment="Add the dose.")
    edit_article(article, user=editor, guidelines="Dose text: 5 mg daily.")
    services.article_resubmit(article=Article.objects.get(pk=article.pk), user=editor, comment="Dose added.")
    client.force_login(reviewer)
    row = " ".join(soup_of(client.get("/admin/")).select_one(".review-queue tbody tr").get_text(" ").split())
    assert "changes made" in row and "2 lines changed" in row


def test_save_and_submit_is_one_step_for_an_editor(client):
    """The editor's new text is saved and sent to the board with one button; they stay on the article."""
    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="First draft.", author=editor)
    client.force_login(editor)
    data = article_admin_data(article, guidelines="Final draft.")
    data["_saveandsubmit"] = "Save and submit for review"
    response = client.post(change_url(article), data)
    assert response.status_code == 302 and response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.status == Status.SUBMITTED
    assert "Final draft." in article.current_revision.rendered["audiences"]["default"]["sections"][0]["html"]
    messages = messages_on(client.get(change_url(article)))
    assert any("Saved and submitted for review" in text for text in messages)
    assert [e.action for e in article.review_events.all()][-2:] == ["edit", "submit"]


def test_a_reviewer_is_not_offered_save_and_submit(client):
    """Only those who may submit see the button."""
    article = make_article(status=Status.DRAFT, guidelines="Draft.", author=make_editor())
    client.force_login(make_user(superuser=False, perms=["articles.view_article", "articles.change_article"]))
    assert 'name="_saveandsubmit"' not in client.get(change_url(article)).content.decode()
    client.force_login(make_editor())
    assert 'name="_saveandsubmit"' in client.get(change_url(article)).content.decode()


def test_errors_are_summarised_at_the_top_with_links_to_the_fields(client):
    """An unknown citation key and an empty question are listed above the form, each linking to its field."""
    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="Text.", author=editor)
    client.force_login(editor)
    data = article_admin_data(article, question="", guidelines="Cites [@nowhere].")
    page = soup_of(client.post(change_url(article), data))
    summary = page.select_one(".error-summary")
    links = {a["href"]: " ".join(a.parent.get_text(" ").split()) for a in summary.select("a")}
    assert "#id_question" in links
    assert any(href.startswith("#id_sections-0-body") and "[@nowhere]" in text for href, text in links.items())
    assert page.select_one("#id_question") is not None  # the anchor exists on the page


def test_admin_time_elements_carry_valid_datetime_values(client):
    """The history's and the queue's <time datetime> are valid HTML (no microseconds, an offset)."""
    import re

    article = make_article(status=Status.SUBMITTED, guidelines="Text.", author=make_editor())
    client.force_login(make_reviewer())
    for url in ("/admin/", change_url(article)):
        values = [t["datetime"] for t in soup_of(client.get(url)).select("time[datetime]")]
        assert values and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", v) for v in values), values
