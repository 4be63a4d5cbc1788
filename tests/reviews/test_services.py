"""The review workflow's moves: who may make which move from which state, and what each leaves behind."""

import datetime

import pytest
from django.utils import timezone

from articles.models import AnswerSection, Article, Status
from reviews import services
from reviews.models import ReviewEvent
from tests.factories import grant_writing, make_article, make_editor, make_reviewer, make_user

pytestmark = pytest.mark.django_db

MOVES = {
    "submit": services.article_submit,
    "resubmit": services.article_resubmit,  # answers a request for changes: none is open in this table
    "start_review": services.article_start_review,
    "take_over": services.article_take_over,  # of a review someone else holds: here the role holds it
    "request_changes": services.article_request_changes,
    "approve": services.article_approve,
}
TARGET = {
    "submit": Status.SUBMITTED,
    "resubmit": Status.SUBMITTED,
    "take_over": Status.UNDER_REVIEW,
    "start_review": Status.UNDER_REVIEW,
    "request_changes": Status.SUBMITTED,
    "approve": Status.APPROVED,
}
ROLES = ["editor", "reviewer", "superuser", "board administrator", "staff without role"]
STATES = [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED]
# The whole table: the (role, move, state) triples that succeed. Everything else is refused.
ALLOWED = {
    ("editor", "submit", Status.DRAFT),
    ("superuser", "submit", Status.DRAFT),
    ("editor", "submit", Status.APPROVED),  # the periodic re-review
    ("superuser", "submit", Status.APPROVED),
    ("reviewer", "start_review", Status.SUBMITTED),
    ("superuser", "start_review", Status.SUBMITTED),
    ("reviewer", "request_changes", Status.UNDER_REVIEW),
    ("superuser", "request_changes", Status.UNDER_REVIEW),
    ("reviewer", "approve", Status.UNDER_REVIEW),
    ("superuser", "approve", Status.UNDER_REVIEW),
}


def make_role(role):
    """A user in one of the workflow's roles; the superuser has a board profile so approval can be signed."""
    if role == "editor":
        return make_editor()
    if role == "reviewer":
        return make_reviewer()
    if role == "superuser":
        return make_reviewer(superuser=True)
    if role == "board administrator":
        from tests.factories import ensure_review_groups

        ensure_review_groups()
        return make_user(groups=["Board administrators"])
    return make_user()


def article_in(state, author, reviewer=None):
    """An article written by `author`, taken to `state` through the real moves (`reviewer` holding any review)."""
    return make_article(status=state, guidelines="Guidance text.", author=author, reviewer=reviewer)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, move, state):
    """Each role × move × state: allowed moves reach their state with an event; others change nothing."""
    author = make_editor()
    user = make_role(role)
    holds = role in ("reviewer", "superuser") and state == Status.UNDER_REVIEW  # the holder decides
    article = article_in(state, author, reviewer=user if holds else None)
    before = Article.objects.values().get(pk=article.pk)
    events_before = article.review_events.count()
    if (role, move, state) in ALLOWED:
        result = MOVES[move](article=article, user=user, comment="Checked against the cited guideline.")
        assert result.status == TARGET[move]
        assert Article.objects.get(pk=article.pk).status == TARGET[move]
        assert article.review_events.count() == events_before + 1
        event = article.review_events.last()
        assert (event.actor, event.action, event.from_status, event.to_status) == (user, move, state, TARGET[move])
        assert event.revision == article.current_revision
        assert event.comment == "Checked against the cited guideline."
    else:
        with pytest.raises(services.WorkflowError) as refusal:
            MOVES[move](article=article, user=user, comment="Checked against the cited guideline.")
        assert str(refusal.value), "a refusal always says why"
        assert Article.objects.values().get(pk=article.pk) == before
        assert article.review_events.count() == events_before


@pytest.mark.parametrize(
    ("move", "state", "error"),
    [
        ("submit", Status.SUBMITTED, services.CannotSubmit),
        ("submit", Status.UNDER_REVIEW, services.CannotSubmit),
        ("start_review", Status.DRAFT, services.CannotStartReview),
        ("start_review", Status.UNDER_REVIEW, services.CannotStartReview),
        ("request_changes", Status.SUBMITTED, services.CannotRequestChanges),
        ("approve", Status.SUBMITTED, services.CannotApprove),
        ("approve", Status.APPROVED, services.CannotApprove),
        ("request_changes", Status.APPROVED, services.CannotRequestChanges),
    ],
)
def test_wrong_state_is_refused_with_its_own_error_and_a_clear_message(move, state, error):
    """A move from the wrong state names the state it needs and the one the article is in."""
    article = article_in(state, make_editor())
    with pytest.raises(error) as refusal:
        MOVES[move](article=article, user=make_reviewer(superuser=True), comment="Fine.")
    assert Status(state).label in str(refusal.value)
    assert Article.objects.get(pk=article.pk).status == state


def test_request_changes_needs_a_comment():
    """Sending an article back without saying what to change is refused and changes nothing."""
    reviewer = make_reviewer()
    article = article_in(Status.UNDER_REVIEW, make_editor(), reviewer=reviewer)
    events_before = ReviewEvent.objects.count()
    with pytest.raises(services.CommentRequired):
        services.article_request_changes(article=article, user=reviewer, comment="   ")
    assert Article.objects.get(pk=article.pk).status == Status.UNDER_REVIEW
    assert ReviewEvent.objects.count() == events_before


@pytest.mark.parametrize("superuser", [False, True])
def test_four_eyes_nobody_approves_their_own_revision(superuser):
    """A board member (superusers included) who wrote the current revision cannot approve it."""
    reviewer = make_reviewer(superuser=True) if superuser else make_reviewer()
    article = article_in(Status.UNDER_REVIEW, reviewer if superuser else None, reviewer=reviewer)
    if not superuser:  # reviewers cannot write articles: give the reviewer's account the text through a save
        article = edit(article, grant_writing(reviewer), "Reviewer rewrote this.")
        article = services.article_start_review(article=article, user=reviewer)
    with pytest.raises(services.FourEyesError) as refusal:
        services.article_approve(article=article, user=reviewer)
    assert "four eyes" in str(refusal.value)
    assert Article.objects.get(pk=article.pk).live_revision is None
    # Another board member may, once they take the review over.
    other = make_reviewer()
    services.article_take_over(article=article, user=other, comment="The author cannot approve.")
    services.article_approve(article=article, user=other)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_four_eyes_follows_the_latest_revision_not_the_article_creator():
    """A reviewer who edits someone else's article becomes the author of the revision under review."""
    reviewer = grant_writing(make_reviewer())
    article = article_in(Status.UNDER_REVIEW, make_editor())
    article = edit(article, reviewer, "Reviewer rewrote this.")
    article = services.article_start_review(article=article, user=reviewer)
    with pytest.raises(services.FourEyesError):
        services.article_approve(article=article, user=reviewer)


def test_four_eyes_covers_every_contributor_since_the_last_approval():
    """An author whose text another account then touched trivially still cannot approve it (superusers too)."""
    author = make_reviewer(superuser=True)
    article = article_in(Status.DRAFT, author)
    article = edit(article, make_editor(), "Guidance text, with a comma.")  # a trivial edit by someone else
    article = services.article_submit(article=article, user=author)
    article = services.article_start_review(article=article, user=author)
    with pytest.raises(services.FourEyesError) as refusal:
        services.article_approve(article=article, user=author)
    assert "four eyes" in str(refusal.value)
    other = make_reviewer()
    services.article_take_over(article=article, user=other)
    services.article_approve(article=article, user=other)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_approval_needs_a_board_member_profile():
    """Approval is signed with a board member's name, so an account without one cannot approve."""
    user = make_user(superuser=True)
    article = article_in(Status.UNDER_REVIEW, make_editor(), reviewer=user)
    with pytest.raises(services.NotABoardMember):
        services.article_approve(article=article, user=user)


def test_approval_pins_the_revision_and_sets_review_dates(settings):
    """Approval makes the reviewed revision live and records who reviewed, when, and when next."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    reviewer = make_reviewer(name="Ada Example", credentials="MD, FACP")
    article = article_in(Status.UNDER_REVIEW, make_editor(), reviewer=reviewer)
    services.article_approve(article=article, user=reviewer, comment="Accurate.")
    article.refresh_from_db()
    today = timezone.localdate()
    assert article.live_revision == article.current_revision
    assert article.last_reviewed_by == reviewer
    assert article.last_reviewed_by_display == "Ada Example, MD, FACP"
    assert timezone.localdate(article.last_reviewed_at) == today
    assert article.next_review_due == services.add_months(today, 12)


def test_review_interval_is_a_setting(settings):
    """REVIEW_INTERVAL_MONTHS sets the next review date."""
    settings.REVIEW_INTERVAL_MONTHS = 3
    reviewer = make_reviewer()
    article = article_in(Status.UNDER_REVIEW, make_editor(), reviewer=reviewer)
    services.article_approve(article=article, user=reviewer)
    article.refresh_from_db()
    assert article.next_review_due == services.add_months(timezone.localdate(), 3)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 11, 24), 12, datetime.date(2027, 11, 24)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_month_end(day, months, expected):
    """Month arithmetic never produces an invalid date."""
    assert services.add_months(day, months) == expected


def test_review_holder_is_who_started_the_review():
    """While under review, the holder is the board member who pressed "Start review"."""
    reviewer = make_reviewer()
    article = article_in(Status.SUBMITTED, make_editor())
    assert services.review_holder(article) is None
    article = services.article_start_review(article=article, user=reviewer)
    assert services.review_holder(article) == reviewer
    article = services.article_request_changes(article=article, user=reviewer, comment="Cite the 2023 update.")
    assert services.review_holder(article) is None


def edit(article, user, text):
    """Save new content as every writer does: the working copy, then reviews.services."""
    AnswerSection.objects.filter(article=article, kind=AnswerSection.Kind.GUIDELINES).update(body=text)
    return services.article_save_content(article=article, user=user).article


def test_approved_revision_stays_live_while_an_edit_is_reviewed_then_the_edit_goes_live():
    """Readers see the approved text through the whole second review; approval swaps it."""
    editor, reviewer = make_editor(), make_reviewer()
    article = make_article(status=Status.DRAFT, guidelines="First approved text.", author=editor)
    article = services.article_submit(article=article, user=editor)
    article = services.article_start_review(article=article, user=reviewer)
    article = services.article_approve(article=article, user=reviewer)
    first = article.live_revision

    article = edit(article, editor, "Updated text awaiting review.")
    assert article.status == Status.DRAFT
    assert article.live_revision == first and article.displayed_revision == first
    assert article.current_revision != first
    assert ReviewEvent.objects.filter(article=article).last().get_action_display() == "Edited"
    assert Article.objects.public().filter(pk=article.pk).exists(), "the approved version stays public"

    article = services.article_submit(article=article, user=editor)
    assert article.update_under_review and article.displayed_revision == first
    article = services.article_start_review(article=article, user=reviewer)
    assert article.update_under_review and article.displayed_revision == first
    article = services.article_approve(article=article, user=reviewer)
    assert article.live_revision == article.current_revision != first
    assert not article.update_under_review
    assert [e.action for e in article.review_events.all()] == [
        "create", "submit", "start_review", "approve", "edit", "submit", "start_review", "approve",
    ]


def test_edit_under_review_restarts_the_review_and_keeps_the_page_public():
    """An edit made while a board member reviews stops that review; the new text waits in Submitted."""
    editor = make_editor()
    article = article_in(Status.UNDER_REVIEW, editor)
    article = edit(article, editor, "Changed mid-review.")
    assert article.status == Status.SUBMITTED
    assert services.review_holder(article) is None
    assert Article.objects.public().filter(pk=article.pk).exists(), "readers' links keep working"
    event = article.review_events.last()
    assert (event.from_status, event.to_status, event.revision) == (
        Status.UNDER_REVIEW,
        Status.SUBMITTED,
        article.current_revision,
    )


def test_a_save_that_changes_nothing_leaves_the_workflow_alone():
    """No new revision, no status change and no event."""
    editor = make_editor()
    article = article_in(Status.APPROVED, editor)
    events_before = ReviewEvent.objects.count()
    article = edit(article, editor, "Guidance text.")
    assert article.status == Status.APPROVED
    assert ReviewEvent.objects.count() == events_before


def test_edit_of_a_submitted_article_keeps_it_in_the_queue():
    """Editing after "Request changes" (back in Submitted) keeps the article waiting for review."""
    editor = make_editor()
    article = article_in(Status.SUBMITTED, editor)
    article = edit(article, editor, "Changes as requested.")
    assert article.status == Status.SUBMITTED


def test_events_cannot_be_changed_or_deleted():
    """The audit trail refuses edits and deletion even from code."""
    from django.core.exceptions import ValidationError

    article = article_in(Status.DRAFT, make_editor())
    services.article_submit(article=article, user=make_editor(), comment="Ready.")
    event = ReviewEvent.objects.get(action="submit")
    event.comment = "Rewritten history"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert ReviewEvent.objects.get(action="submit").comment == "Ready."


def test_periodic_re_review_of_unchanged_content_renews_the_dates(settings):
    """An approved article due for review is submitted and approved again; readers keep it throughout."""
    settings.REVIEW_INTERVAL_MONTHS = 12
    editor, reviewer = make_editor(), make_reviewer()
    article = article_in(Status.APPROVED, editor)
    live = article.live_revision
    Article.objects.filter(pk=article.pk).update(next_review_due=datetime.date(2020, 1, 1))
    assert Article.objects.overdue_for_review(timezone.localdate()).filter(pk=article.pk).exists()
    article = services.article_submit(article=article, user=editor, comment="Due for its yearly review.")
    assert article.public_status == Status.APPROVED and not article.update_under_review
    article = services.article_start_review(article=article, user=reviewer)
    article = services.article_approve(article=article, user=reviewer)
    assert article.live_revision == live
    assert article.next_review_due == services.add_months(timezone.localdate(), 12)
    assert not Article.objects.overdue_for_review(timezone.localdate()).filter(pk=article.pk).exists()


def test_search_finds_the_newly_approved_text_not_the_replaced_one():
    """Approving an update makes search match what readers now see."""
    from articles.search import search

    editor, reviewer = make_editor(), make_reviewer()
    article = article_in(Status.APPROVED, editor)
    edit(article, editor, "Zoledronate replaces the former regimen.")
    article = services.article_submit(article=Article.objects.get(pk=article.pk), user=editor)
    article = services.article_start_review(article=article, user=reviewer)
    assert list(search("zoledronate")) == []
    services.article_approve(article=article, user=reviewer)
    assert [found.pk for found in search("zoledronate")] == [article.pk]


def test_only_the_holder_decides_unless_another_member_takes_the_review_over():
    """A second reviewer cannot approve or send back a review someone else holds; taking it over is recorded."""
    holder, other = make_reviewer("holder"), make_reviewer("other")
    article = article_in(Status.UNDER_REVIEW, make_editor(), reviewer=holder)
    for move in (services.article_approve, services.article_request_changes):
        with pytest.raises(services.WorkflowError, match="holder holds this review"):
            move(article=article, user=other, comment="Looks fine to me.")
    assert Article.objects.get(pk=article.pk).status == Status.UNDER_REVIEW
    with pytest.raises(services.WorkflowError, match="already hold"):
        services.article_take_over(article=article, user=holder)
    article = services.article_take_over(article=article, user=other, comment="Holder is on leave.")
    assert services.review_holder(article) == other
    event = article.review_events.last()
    assert (event.action, event.actor, event.comment) == ("take_over", other, "Holder is on leave.")
    with pytest.raises(services.WorkflowError, match="other holds this review"):
        services.article_approve(article=article, user=holder)
    services.article_approve(article=article, user=other)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_the_editor_answers_a_request_for_changes_and_the_reviewer_sees_only_what_changed():
    """Request changes → edit → "Changes made — resubmit" (with a comment) → the diff starts from the requested revision."""
    editor, reviewer = make_editor(), make_reviewer()
    article = article_in(Status.UNDER_REVIEW, editor, reviewer=reviewer)
    with pytest.raises(services.WorkflowError, match="only possible when the article is Submitted"):
        services.article_resubmit(article=article, user=editor, comment="Nothing asked yet.")
    article = services.article_request_changes(article=article, user=reviewer, comment="Give the dose.")
    requested_on = article.current_revision
    article = edit(article, editor, "Guidance text. Take 5 mg daily.")
    with pytest.raises(services.CommentRequired):
        services.article_resubmit(article=article, user=editor, comment=" ")
    article = services.article_resubmit(article=article, user=editor, comment="Added the dose.")
    assert article.status == Status.SUBMITTED and article.review_events.last().action == "resubmit"
    with pytest.raises(services.WorkflowError, match="none is open"):
        services.article_resubmit(article=article, user=editor, comment="Again.")
    assert services.diff_base(article) == (requested_on, "request_changes")
    from reviews.diffs import revision_diff

    rows = revision_diff(*services.diff_base(article)[:1], article.current_revision)
    assert [r["text"] for r in rows if r["kind"] == "added"] == ["Guidance text. Take 5 mg daily."]


def test_a_review_comment_with_a_control_character_is_refused_with_a_clear_message():
    """The comment goes into the audit trail and the editor's screen: invisible control characters are refused."""
    editor, reviewer = make_editor(), make_reviewer()
    article = article_in(Status.UNDER_REVIEW, editor, reviewer=reviewer)
    with pytest.raises(services.WorkflowError, match="control character U\\+0001"):
        services.article_request_changes(article=article, user=reviewer, comment="Fix the dose\x01 please.")
    assert Article.objects.get(pk=article.pk).status == Status.UNDER_REVIEW
