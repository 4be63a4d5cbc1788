"""Who may make which review move: Django permissions, checked by the services and the admin alike.

The permissions live on ReviewEvent's Meta (reviews cannot add them to articles' Article):
    reviews.submit_article   editors send an article to the board
    reviews.review_article   board members start a review and request changes
    reviews.approve_article  board members approve (never their own writing: four eyes)
"""

from articles.models import Status

SUBMIT = "reviews.submit_article"
REVIEW = "reviews.review_article"
APPROVE = "reviews.approve_article"

# The moves, in workflow order: name -> (states it starts from, state it ends in, permission, button label).
MOVES = {
    # From Approved too: an article due for its periodic review goes back to the board unchanged.
    "submit": ((Status.DRAFT, Status.APPROVED), Status.SUBMITTED, SUBMIT, "Submit for review"),
    "start_review": ((Status.SUBMITTED,), Status.UNDER_REVIEW, REVIEW, "Start review"),
    "request_changes": ((Status.UNDER_REVIEW,), Status.SUBMITTED, REVIEW, "Request changes"),
    "approve": ((Status.UNDER_REVIEW,), Status.APPROVED, APPROVE, "Approve"),
}

EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Medical reviewers"


def has_move_permission(user, move):
    """Whether the user holds the Django permission for this move (superusers hold all)."""
    return bool(user and user.is_active and user.has_perm(MOVES[move][2]))


def wrote_current_revision(user, article):
    """Four eyes: the author of the revision under review may not approve it."""
    revision = article.current_revision
    return revision is not None and revision.created_by_id is not None and revision.created_by_id == user.pk


def board_member_of(user):
    """The active board member profile linked to this account, if any."""
    from .models import BoardMember

    return BoardMember.objects.active().filter(user=user).first() if user and user.pk else None


def may(user, move, article):
    """Whether the user may make this move on the article now (state, permission, four eyes)."""
    starts_from = MOVES[move][0]
    if article.status not in starts_from or not has_move_permission(user, move):
        return False
    if move == "approve":
        return not wrote_current_revision(user, article) and board_member_of(user) is not None
    return True


def allowed_moves(user, article):
    """The moves to offer this user as buttons, in workflow order."""
    return [move for move in MOVES if may(user, move, article)]
