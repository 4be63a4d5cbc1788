"""The review workflow's moves: the only code that writes an article's status and review fields.

Draft -> Submitted -> Under Review -> Approved, and Under Review -> Submitted ("request changes").
An approved article can be submitted again for its periodic review; readers keep the live revision.
Each move locks the article row, refuses a wrong state or a missing right with its own error
(changing nothing), and records a ReviewEvent: who, when, from, to, comment and revision.
"""

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRevision, Status
from articles.search import update_search_text

from . import permissions
from .models import ReviewEvent

# --- Errors: each refusal has its own class, all under WorkflowError. ---


class WorkflowError(Exception):
    """A review move was refused; the message says why, in the editors' words."""


class WrongStateError(WorkflowError):
    """The article is not in a state this move starts from."""


class CannotSubmit(WrongStateError):
    pass


class CannotStartReview(WrongStateError):
    pass


class CannotRequestChanges(WrongStateError):
    pass


class CannotApprove(WrongStateError):
    pass


class MoveNotPermitted(WorkflowError):
    """The user lacks the Django permission for this move."""


class NotABoardMember(MoveNotPermitted):
    """Approval is signed with a board member's name; the account has no active board profile."""


class FourEyesError(MoveNotPermitted):
    """The approver wrote the revision under review."""


class CommentRequired(WorkflowError):
    """Requesting changes without saying which."""


class NoContentError(WorkflowError):
    """The article has no saved revision to review."""


# --- Helpers. ---


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_review_due(approved_on: datetime.date) -> datetime.date:
    """When an article approved on that day is due for review again (settings.REVIEW_INTERVAL_MONTHS)."""
    return add_months(approved_on, settings.REVIEW_INTERVAL_MONTHS)


def review_holder(article: Article):
    """The board member's account that started the current review, or None when not under review."""
    if article.status != Status.UNDER_REVIEW:
        return None
    event = (
        ReviewEvent.objects.filter(article=article, action=ReviewEvent.Action.START_REVIEW)
        .select_related("actor")
        .order_by("-created", "-id")
        .first()
    )
    return event.actor if event else None


def _locked(article: Article) -> Article:
    """The article re-read under a row lock, so two moves at once cannot both pass the state check."""
    # of=("self",): lock the article row only, not the revisions joined for the checks.
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_revision", "live_revision")
        .get(pk=article.pk)
    )


def _check(user, move: str, article: Article, wrong_state: type[WrongStateError]) -> None:
    """Refuse the move unless the user has the right and the article is in a state it starts from."""
    starts_from, _, _, label = permissions.MOVES[move]
    if not permissions.has_move_permission(user, move):
        raise MoveNotPermitted(f"You do not have the right to “{label}”. Ask an administrator to add you to the right group.")
    if article.status not in starts_from:
        allowed = " or ".join(Status(s).label for s in starts_from)
        raise wrong_state(
            f"“{label}” is only possible when the article is {allowed}; it is {Status(article.status).label}."
        )
    if article.current_revision_id is None:
        raise NoContentError("The article has no saved content to review yet: save it first.")


def _move(article: Article, *, user, action: str, to_status: str, comment: str, fields: dict | None = None) -> Article:
    """Write the new status (and any review fields) and the audit event, then refresh the caller's copy."""
    from_status = article.status
    values = {"status": to_status, **(fields or {})}
    Article.objects.filter(pk=article.pk).update(**values)
    ReviewEvent.objects.create(
        article=article,
        revision_id=article.current_revision_id,
        actor=user,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment.strip(),
    )
    article.refresh_from_db()
    return article


# --- The moves. ---


@transaction.atomic
def article_submit(*, article: Article, user, comment: str = "") -> Article:
    """An editor sends a draft (or an approved article due for review) to the board: -> Submitted."""
    article = _locked(article)
    _check(user, "submit", article, CannotSubmit)
    return _move(article, user=user, action=ReviewEvent.Action.SUBMIT, to_status=Status.SUBMITTED, comment=comment)


@transaction.atomic
def article_start_review(*, article: Article, user, comment: str = "") -> Article:
    """A board member takes a submitted article to review it: Submitted -> Under Review."""
    article = _locked(article)
    _check(user, "start_review", article, CannotStartReview)
    return _move(
        article, user=user, action=ReviewEvent.Action.START_REVIEW, to_status=Status.UNDER_REVIEW, comment=comment
    )


@transaction.atomic
def article_request_changes(*, article: Article, user, comment: str) -> Article:
    """A board member sends the article back with what to change: Under Review -> Submitted."""
    article = _locked(article)
    _check(user, "request_changes", article, CannotRequestChanges)
    if not (comment or "").strip():
        raise CommentRequired("Say which changes you request: the comment is what the editor will work from.")
    return _move(
        article, user=user, action=ReviewEvent.Action.REQUEST_CHANGES, to_status=Status.SUBMITTED, comment=comment
    )


@transaction.atomic
def article_approve(*, article: Article, user, comment: str = "") -> Article:
    """A board member approves the revision under review, which becomes the one readers see."""
    article = _locked(article)
    _check(user, "approve", article, CannotApprove)
    member = permissions.board_member_of(user)
    if member is None:
        raise NotABoardMember(
            "Approval is signed on the page with a board member’s name and credentials: "
            "link your account to an active Medical Advisory Board profile first."
        )
    if permissions.wrote_current_revision(user, article):
        raise FourEyesError(
            "You wrote the revision under review, so another board member must approve it (four eyes)."
        )
    now = timezone.now()
    article = _move(
        article,
        user=user,
        action=ReviewEvent.Action.APPROVE,
        to_status=Status.APPROVED,
        comment=comment,
        fields={
            "live_revision_id": article.current_revision_id,
            "last_reviewed_at": now,
            "last_reviewed_by": user,
            "last_reviewed_by_display": member.display_name,
            "next_review_due": next_review_due(timezone.localdate(now)),
        },
    )
    # Search must find what readers now see: the newly live revision.
    update_search_text(article)
    return article


@transaction.atomic
def article_content_saved(*, article: Article, revision: ArticleRevision, created: bool, user) -> Article:
    """After a content save: an edit of content under review or approved restarts its review.

    An edit during review sends the article back to Submitted: the new text waits for a
    reviewer, and an article that was never approved stays public with its banner instead of
    vanishing for readers. An edit of approved content starts a private Draft update that the
    editor submits when ready; readers keep seeing the live revision meanwhile.
    A save that made no new revision changes nothing.
    """
    article = _locked(article)
    if not created or article.status not in (Status.UNDER_REVIEW, Status.APPROVED):
        return article
    # Only the newest revision counts, and never the one already live (nothing to review again).
    if revision.pk != article.current_revision_id or revision.pk == article.live_revision_id:
        return article
    to_status = Status.SUBMITTED if article.status == Status.UNDER_REVIEW else Status.DRAFT
    return _move(article, user=user, action=ReviewEvent.Action.EDIT, to_status=to_status, comment="")
