"""Who may make which review move: one rule table, read by the services and the admin alike.

The Django permissions live on ReviewEvent's Meta (reviews cannot add them to articles' Article):
    reviews.submit_article   editors send an article to the board
    reviews.review_article   board members start a review and request changes
    reviews.approve_article  board members approve (never text they wrote: four eyes)

``refusal(user, move, article)`` is the one check: the services raise what it returns, and the
admin shows only the moves for which it returns nothing (``allowed_moves``).
"""

from dataclasses import dataclass

from articles.models import ArticleRevision, Status
from qa_site.text import control_character_message

SUBMIT = "reviews.submit_article"
REVIEW = "reviews.review_article"
APPROVE = "reviews.approve_article"

EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Medical reviewers"


# --- Refusals: each has its own class, all under WorkflowError. ---


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
    """The approver wrote part of the text under review."""


class NotTheHolder(MoveNotPermitted):
    """Another board member holds the review; they decide, unless it is taken over (recorded)."""


class CommentRequired(WorkflowError):
    """Requesting changes without saying which."""


class UnreadableComment(WorkflowError):
    """The comment holds invisible control characters."""


class NoContentError(WorkflowError):
    """The article has no saved revision to review."""


# --- The rule table. ---


@dataclass(frozen=True)
class Move:
    """One move of the workflow: where it starts, where it ends, who may make it, what the button says."""

    name: str
    label: str
    from_states: tuple
    to_state: str
    permission: str
    wrong_state: type  # the error raised when the article is not in a state the move starts from
    needs_comment: bool = False
    needs_board_member: bool = False  # approval is signed with a board member's name
    # A condition beyond the state: "holder" (the user holds the review), "not_holder" (someone else
    # does), "changes_requested" (the board asked for changes and the editor has not resubmitted yet).
    only_if: str = ""


MOVES = {
    move.name: move
    for move in (
        # From Approved too: an article due for its periodic review goes back to the board unchanged.
        Move("submit", "Submit for review", (Status.DRAFT, Status.APPROVED), Status.SUBMITTED, SUBMIT, CannotSubmit),
        # After "Request changes": the editor says what changed; the article stays in the queue, flagged.
        Move(
            "resubmit", "Changes made — resubmit", (Status.SUBMITTED,), Status.SUBMITTED, SUBMIT, CannotSubmit,
            needs_comment=True, only_if="changes_requested",
        ),
        Move("start_review", "Start review", (Status.SUBMITTED,), Status.UNDER_REVIEW, REVIEW, CannotStartReview),
        Move(
            "take_over", "Take over the review", (Status.UNDER_REVIEW,), Status.UNDER_REVIEW, REVIEW,
            CannotStartReview, only_if="not_holder",
        ),
        Move(
            "request_changes", "Request changes", (Status.UNDER_REVIEW,), Status.SUBMITTED, REVIEW,
            CannotRequestChanges, needs_comment=True, only_if="holder",
        ),
        Move(
            "approve", "Approve", (Status.UNDER_REVIEW,), Status.APPROVED, APPROVE, CannotApprove,
            needs_board_member=True, only_if="holder",
        ),
    )
}


def has_move_permission(user, move):
    """Whether the user holds the Django permission for this move (superusers hold all)."""
    return bool(user and user.is_active and user.has_perm(MOVES[move].permission))


def board_member_of(user):
    """The active board member profile linked to this account, if any."""
    from .models import BoardMember

    return BoardMember.objects.active().filter(user=user).first() if user and user.pk else None


def revisions_by(user, article):
    """Numbers of the revisions this account wrote since the last approval (since creation if never approved)."""
    if not (user and user.pk):
        return []
    revisions = ArticleRevision.objects.filter(article=article, created_by=user)
    if article.live_revision_id:
        revisions = revisions.filter(number__gt=article.live_revision.number)
    if article.current_revision_id:
        revisions = revisions.filter(number__lte=article.current_revision.number)
    return sorted(revisions.values_list("number", flat=True))


def wrote_text_under_review(user, article):
    """Four eyes: whoever wrote any revision since the last approval may not approve it."""
    return bool(revisions_by(user, article))


def refusal(user, move, article, comment=""):
    """Why this user may not make this move on the article now, as an error to raise; None if they may."""
    rule = MOVES[move]
    if not has_move_permission(user, move):
        return MoveNotPermitted(
            f"You do not have the right to “{rule.label}”. Ask an administrator to add you to the right group."
        )
    if article.status not in rule.from_states:
        allowed = " or ".join(Status(s).label for s in rule.from_states)
        return rule.wrong_state(
            f"“{rule.label}” is only possible when the article is {allowed}; it is {Status(article.status).label}."
        )
    if article.current_revision_id is None:
        return NoContentError("The article has no saved content to review yet: save it first.")
    condition = _condition_refusal(rule, user, article)
    if condition is not None:
        return condition
    if rule.needs_board_member and board_member_of(user) is None:
        return NotABoardMember(
            "Approval is signed on the page with a board member’s name and credentials: "
            "link your account to an active Medical Advisory Board profile first."
        )
    written = revisions_by(user, article) if move == "approve" else []
    if written:
        numbers = ", ".join(str(n) for n in written)
        return FourEyesError(
            f"You wrote part of the text under review (revision{'s' if len(written) > 1 else ''} {numbers}, "
            "since the last approval), so another board member must approve it (four eyes)."
        )
    if rule.needs_comment and not (comment or "").strip():
        return CommentRequired("Say which changes you request: the comment is what the editor will work from.")
    problem = control_character_message(comment or "")
    if problem:
        return UnreadableComment(problem)
    return None


def review_holder(article):
    """The account that holds the current review (started it, or took it over), or None when not under review."""
    from .models import ReviewEvent

    if article.status != Status.UNDER_REVIEW:
        return None
    event = (
        ReviewEvent.objects.filter(article=article, action__in=["start_review", "take_over"])
        .select_related("actor")
        .order_by("-created", "-id")
        .first()
    )
    return event.actor if event else None


def changes_requested(article):
    """Whether the board's last word on the article is "Request changes", not yet answered by a resubmission."""
    from .models import ReviewEvent

    last = (
        ReviewEvent.objects.filter(article=article, action__in=["request_changes", "resubmit", "start_review", "submit"])
        .order_by("-created", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last == "request_changes"


def _condition_refusal(rule, user, article):
    if rule.only_if in ("holder", "not_holder"):
        holder = review_holder(article)
        is_holder = holder is not None and user is not None and holder.pk == user.pk
        if rule.only_if == "holder" and holder is not None and not is_holder:
            name = holder.get_full_name() or holder.get_username()
            return NotTheHolder(
                f"{name} holds this review: only they can “{rule.label}”, unless you take the review over "
                "(recorded in the history)."
            )
        if rule.only_if == "not_holder" and (holder is None or is_holder):
            return NotTheHolder("You already hold this review." if is_holder else "Nobody holds this review.")
    if rule.only_if == "changes_requested" and not changes_requested(article):
        return rule.wrong_state("“Changes made — resubmit” answers a request for changes; none is open.")
    return None


def allowed_moves(user, article):
    """The moves to offer this user as buttons, in workflow order (a comment is asked for where needed)."""
    return [rule for name, rule in MOVES.items() if refusal(user, name, article, comment="-") is None]
