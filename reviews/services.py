"""The one write path for articles' content and review status.

Every writer — the admin, the MedQuAD import, the demo loader, draft-from-follow-up-question,
the tests' factories — saves the editors' working copy (the Article row, its sections and
citations) and then calls ``article_save_content``; every review move is one function here.
Nothing else writes ``status``, ``current_revision`` or ``live_revision`` (a test checks).

Each write:
- records the revision (an immutable snapshot of the working copy, rendered once);
- applies the workflow rule: the first save is the article's creation; an edit of approved
  content starts a private Draft update while readers keep the approved text; an edit of
  content under review sends it back to Submitted, so the review restarts on the new text;
- moves the revision pointers and the status, and writes a ReviewEvent (who or what, when,
  from, to, comment, revision) that nobody can change or delete;
- sends ``articles.signals.publication_changed`` once, inside the transaction, so the published
  copy, the search text and the caches follow from it.

Draft -> Submitted -> Under Review -> Approved, and Under Review -> Submitted ("request changes").
An approved article can be submitted again for its periodic review; readers keep the live revision.
Who may make which move is the rule table in ``reviews.permissions``.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRevision, ChangeLogEntry, Citation, Status
from articles.revisions import build_revision
from articles.signals import publication_changed

from . import permissions
from .models import BoardMember, BoardMemberChange, ReviewEvent
from .permissions import (  # noqa: F401  the refusals, re-exported for callers
    CannotApprove,
    CannotRequestChanges,
    CannotStartReview,
    CannotSubmit,
    CommentRequired,
    FourEyesError,
    MoveNotPermitted,
    NoContentError,
    NotABoardMember,
    WorkflowError,
    WrongStateError,
)

Action = ReviewEvent.Action

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
    """The board member's account that holds the current review, or None when not under review."""
    return permissions.review_holder(article)


def diff_base(article: Article):
    """What a reviewer compares the current text with: on a second round, the revision changes were
    requested on; otherwise the approved revision (None before any approval)."""
    request = (
        ReviewEvent.objects.filter(article=article, action=Action.REQUEST_CHANGES)
        .exclude(revision_id=article.current_revision_id)
        .select_related("revision")
        .order_by("-created", "-id")
        .first()
    )
    if request is not None and (article.live_revision is None or request.revision.number > article.live_revision.number):
        return request.revision, "request_changes"
    return article.live_revision, "live"


@dataclass
class QueueItem:
    """One article waiting for a board member, as the review queue lists it."""

    article: Article
    submitted_at: datetime.datetime
    submitted_by: str
    changed_lines: int  # lines added or removed since what the board last saw (approved or sent back)
    answering_request: bool  # the editor resubmitted after "Request changes"


def review_queue(limit: int = 25) -> list:
    """Articles waiting for review (Submitted), the longest-waiting first."""
    from .diffs import revision_diff

    waiting = list(
        Article.objects.filter(status=Status.SUBMITTED).select_related("current_revision", "live_revision")[:500]
    )
    last_submission = {}
    for event in (
        ReviewEvent.objects.filter(article__in=waiting, to_status=Status.SUBMITTED)
        .select_related("actor")
        .order_by("created", "id")
    ):
        last_submission[event.article_id] = event  # the newest wins
    items = []
    for article in waiting:
        event = last_submission.get(article.pk)
        items.append((event.created if event else article.created, article, event))
    items.sort(key=lambda item: item[0])
    queue = []
    for submitted_at, article, event in items[:limit]:
        base, _ = diff_base(article)
        changed = sum(1 for row in revision_diff(base, article.current_revision) if row["kind"] in ("added", "removed"))
        queue.append(
            QueueItem(
                article, submitted_at, event.actor_name if event else "", changed,
                answering_request=bool(event and event.action == Action.RESUBMIT),
            )
        )  # fmt: skip
    return queue


def _locked(article: Article) -> Article:
    """The article re-read under a row lock, so two writes at once cannot both pass the state check."""
    # of=("self",): lock the article row only, not the revisions joined for the checks.
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_revision", "live_revision")
        .get(pk=article.pk)
    )


def _event(article, *, actor, origin, action, from_status, to_status, revision_id, comment=""):
    return ReviewEvent(
        article_id=article.pk,
        revision_id=revision_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        origin=origin,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=(comment or "").strip(),
    )


def _announce(article_ids) -> None:
    """The one signal: published state may have changed for these articles (sent inside the transaction)."""
    publication_changed.send(sender=Article, article_ids=list(article_ids))


# --- Saving content. ---


@dataclass
class ContentSave:
    """What a content save did, for the caller's messages."""

    article: Article
    revision: ArticleRevision | None
    created: bool  # a new revision was recorded
    from_status: str
    restarted_review: bool = False  # approved or under-review content went back a step


RESTART_COMMENTS = {
    Status.APPROVED: "Approved content edited: a private update; readers keep the approved text until it is approved.",
    Status.UNDER_REVIEW: "Content edited during review: back to Submitted, the review restarts on the new text.",
}


def _status_after_edit(status: str) -> str:
    """The workflow rule for an edit: approved content -> private Draft update; under review -> Submitted."""
    return {Status.APPROVED: Status.DRAFT, Status.UNDER_REVIEW: Status.SUBMITTED}.get(status, status)


def _check_may_write(user, article) -> None:
    if user is None:
        return  # trusted code (an import, the demo loader) names itself with `origin`
    needed = "articles.add_article" if article.current_revision_id is None else "articles.change_article"
    if not (user.is_active and user.has_perm(needed)):
        raise MoveNotPermitted("You do not have the right to write articles.")


def _commit(pairs, *, actor, origin, submit, comment=""):
    """Save new revisions of articles (locked by the caller) and apply the workflow rule to each.

    `pairs` are (article, unsaved revision). Returns a ContentSave per pair, in order.
    """
    fresh = [revision for article, revision in pairs if revision.pk is None]
    ArticleRevision.objects.bulk_create(fresh)
    events, results = [], []
    for article, revision in pairs:
        before = article.status
        if article.current_revision_id is None:
            to_status = Status.SUBMITTED if submit else Status.DRAFT
            events.append(
                _event(article, actor=actor, origin=origin, action=Action.CREATE, from_status=Status.DRAFT,
                       to_status=to_status, revision_id=revision.pk, comment=comment)
            )  # fmt: skip
        elif article.live_revision_id and revision.pk == article.live_revision_id:
            to_status = Status.APPROVED  # an update edited back to the approved text: nothing left to review
            events.append(
                _event(article, actor=actor, origin=origin, action=Action.EDIT, from_status=before,
                       to_status=to_status, revision_id=revision.pk, comment="Back to the approved text.")
            )  # fmt: skip
        else:
            to_status = _status_after_edit(before)
            events.append(
                _event(article, actor=actor, origin=origin, action=Action.EDIT, from_status=before,
                       to_status=to_status, revision_id=revision.pk, comment=RESTART_COMMENTS.get(before, comment))
            )  # fmt: skip
            if submit and to_status == Status.DRAFT:
                events.append(
                    _event(article, actor=actor, origin=origin, action=Action.SUBMIT, from_status=to_status,
                           to_status=Status.SUBMITTED, revision_id=revision.pk, comment=comment)
                )  # fmt: skip
                to_status = Status.SUBMITTED
        article.status, article.current_revision = to_status, revision
        restarted = before in RESTART_COMMENTS and to_status not in (before, Status.APPROVED)
        results.append(ContentSave(article, revision, True, before, restarted_review=restarted))
    # bulk_update, not save(): Article.save() never writes the workflow fields.
    Article.objects.bulk_update([article for article, _ in pairs], ["status", "current_revision"], batch_size=500)
    ReviewEvent.objects.bulk_create(events, batch_size=500)
    _announce(article.pk for article, _ in pairs)
    return results


@transaction.atomic
def article_save_content(*, article: Article, user=None, origin: str = "", submit: bool = False) -> ContentSave:
    """Record the article's saved working copy as a revision and apply the workflow rule.

    Call it after writing the Article row, its sections and citations. `user` is the editor
    (None for trusted code, which names itself in `origin`, e.g. "MedQuAD import"). With
    `submit`, a Draft (new, or an update of approved content) goes on to Submitted in the same step.
    A save that changed nothing records no revision. Raises CitationError for an unknown key.
    """
    article = _locked(article)
    _check_may_write(user, article)
    if submit and user is not None and not permissions.has_move_permission(user, "submit"):
        raise MoveNotPermitted("You do not have the right to “Submit for review”.")
    revision = build_revision(article, user=user)
    if revision is not None and article.live_revision_id and revision.content_hash == article.live_revision.content_hash:
        revision = article.live_revision  # back to the approved text: reuse it rather than copy it
    if revision is None:
        if submit and article.status == Status.DRAFT:
            article = _apply_move(article, permissions.MOVES["submit"], user=user, origin=origin, comment="")
        return ContentSave(article, article.current_revision, False, article.status)
    (result,) = _commit([(article, revision)], actor=user, origin=origin, submit=submit)
    return result


@transaction.atomic
def save_imported_revisions(pairs, *, origin: str, submit: bool = True) -> list:
    """The bulk form of article_save_content for an import: (article, unsaved revision) pairs.

    New articles enter with a creation event naming the import (Submitted: they join the
    review queue); an update of approved content becomes an update pending review while readers
    keep the approved text; nothing is ever silently made live.
    """
    if not pairs:
        return []
    locked = {
        article.pk: article
        for article in Article.objects.select_for_update(of=("self",))
        .select_related("current_revision", "live_revision")
        .filter(pk__in=[article.pk for article, _ in pairs])
    }
    return _commit([(locked[article.pk], revision) for article, revision in pairs], actor=None, origin=origin, submit=submit)


# --- The moves. ---


def _apply_move(article, rule, *, user, origin="", comment="", fields=None) -> Article:
    """Write the move's status (and any review fields) and its event, announce it, refresh the caller's copy."""
    values = {"status": rule.to_state, **(fields or {})}
    Article.objects.filter(pk=article.pk).update(**values)
    event = _event(
        article, actor=user, origin=origin, action=rule.name, from_status=article.status, to_status=rule.to_state,
        revision_id=article.current_revision_id, comment=comment,
    )  # fmt: skip
    # The signature as it read at approval: later edits of the profile never change who signed.
    event.signed_as = values.get("last_reviewed_by_display", "")
    event.save()
    _announce([article.pk])
    article.refresh_from_db()
    return article


def _move(name: str, *, article: Article, user, comment: str = "", fields=None) -> Article:
    rule = permissions.MOVES[name]
    article = _locked(article)
    error = permissions.refusal(user, name, article, comment)
    if error is not None:
        raise error
    if callable(fields):
        fields = fields(article)
    return _apply_move(article, rule, user=user, comment=comment, fields=fields)


@transaction.atomic
def article_submit(*, article: Article, user, comment: str = "") -> Article:
    """An editor sends a draft (or an approved article due for review) to the board: -> Submitted."""
    return _move("submit", article=article, user=user, comment=comment)


@transaction.atomic
def article_start_review(*, article: Article, user, comment: str = "") -> Article:
    """A board member takes a submitted article to review it: Submitted -> Under Review."""
    return _move("start_review", article=article, user=user, comment=comment)


@transaction.atomic
def article_resubmit(*, article: Article, user, comment: str) -> Article:
    """The editor answers a request for changes, saying what changed; the article waits for review again."""
    return _move("resubmit", article=article, user=user, comment=comment)


@transaction.atomic
def article_take_over(*, article: Article, user, comment: str = "") -> Article:
    """A board member takes over a review another member holds (recorded), e.g. when they are away."""
    return _move("take_over", article=article, user=user, comment=comment)


@transaction.atomic
def article_request_changes(*, article: Article, user, comment: str) -> Article:
    """A board member sends the article back with what to change: Under Review -> Submitted."""
    return _move("request_changes", article=article, user=user, comment=comment)


class RetractedReferenceError(CannotApprove):
    """The revision cites a retracted paper and its text does not say so."""


class EvidenceDateError(WorkflowError):
    """The "evidence current through" month is not a month that has begun."""


def evidence_month(evidence_through, today: datetime.date) -> datetime.date:
    """The confirmed month as its first day; the approval month when none was given."""
    month = (evidence_through or today).replace(day=1)
    if month > today.replace(day=1):
        raise EvidenceDateError(
            f"Evidence cannot be current through {month:%B %Y}: that month has not begun. Use {today:%B %Y} or earlier."
        )
    if month.year < 1950:
        raise EvidenceDateError("Give the month up to which the literature was searched, e.g. this month.")
    return month


def unnoted_retractions(article: Article) -> list:
    """Citations of the revision under review whose paper is retracted and whose text does not say so."""
    ids = [c["reference_id"] for c in article.current_revision.source.get("citations", [])]
    return list(
        Citation.objects.filter(article=article, reference_id__in=ids, reference__is_retracted=True, retraction_noted=False)
        .select_related("reference")
        .order_by("key")
    )


def _log_change(article: Article, previous_live_id) -> None:
    """A change log entry for a revision that has just gone live; the editor's note is then cleared."""
    if article.live_revision_id is None or article.live_revision_id == previous_live_id:
        return  # a periodic review re-approved the text readers already had: nothing changed for them
    ChangeLogEntry.objects.create(
        article=article,
        revision_id=article.live_revision_id,
        went_live=article.last_reviewed_at,
        reviewer=article.last_reviewed_by_display,
        size=article.change_size,
        summary=article.change_summary,
        first_publication=previous_live_id is None,
        evidence_current_through=article.evidence_current_through,
    )
    Article.objects.filter(pk=article.pk).update(change_size="", change_summary="")
    article.change_size = article.change_summary = ""


@transaction.atomic
def article_approve(
    *, article: Article, user, comment: str = "", evidence_through: datetime.date | None = None
) -> Article:
    """A board member approves the revision under review, which becomes the one readers see.

    The reviewer confirms the month the evidence is current through (default: this month); a
    revision citing a retracted paper whose text does not say so cannot be approved.
    """
    previous_live = {}

    def review_fields(locked):
        now = timezone.now()
        month = evidence_month(evidence_through, timezone.localdate(now))
        retracted = unnoted_retractions(locked)
        if retracted:
            names = "; ".join(f"[@{c.key}] “{c.reference.title}”" for c in retracted)
            raise RetractedReferenceError(
                f"The text cites a retracted paper without saying so: {names}. Say in the text that it was retracted "
                "and tick “text says it is retracted” on its citation, or remove the citation."
            )
        previous_live["id"] = locked.live_revision_id
        return {
            "live_revision_id": locked.current_revision_id,
            "last_reviewed_at": now,
            "last_reviewed_by": user,
            "last_reviewed_by_display": permissions.board_member_of(user).display_name,
            "next_review_due": next_review_due(timezone.localdate(now)),
            "evidence_current_through": month,
        }

    article = _move("approve", article=article, user=user, comment=comment, fields=review_fields)
    _log_change(article, previous_live["id"])
    return article


# --- The board. ---


def _board_refusal(user, member, before):
    needed = "reviews.change_boardmember" if before is not None else "reviews.add_boardmember"
    if not (user and user.is_active and user.has_perm(needed)):
        return MoveNotPermitted("Only board administrators change the Medical Advisory Board.")
    if (before or {}).get("user") != member.snapshot()["user"] and not user.has_perm("reviews.govern_board"):
        return MoveNotPermitted("Only board administrators link a board member to an account.")
    return None


@transaction.atomic
def board_member_save(*, member: BoardMember, user) -> BoardMember:
    """Save a board member's profile, recording who changed what (before and after)."""
    stored = BoardMember.objects.select_for_update().filter(pk=member.pk).first() if member.pk else None
    before = stored.snapshot() if stored else None
    error = _board_refusal(user, member, before)
    if error is not None:
        raise error
    member.save()
    after = member.snapshot()
    if after != before:
        BoardMemberChange.objects.create(member=member, member_name=member.display_name, actor=user, before=before, after=after)
        _announce_reviews_signed_by(member, stored)
    return member


@transaction.atomic
def board_member_delete(*, member: BoardMember, user) -> None:
    """Remove a profile (past approvals keep the name they were signed with); recorded like any change."""
    if not (user and user.is_active and user.has_perm("reviews.delete_boardmember")):
        raise MoveNotPermitted("Only board administrators change the Medical Advisory Board.")
    BoardMemberChange.objects.create(
        member=member, member_name=member.display_name, actor=user, before=member.snapshot(), after=None
    )
    _announce_reviews_signed_by(member, member)
    member.delete()


def _announce_reviews_signed_by(*members):
    """The pages this member signed link to their profile and show their disclosures: they changed too."""
    users = {m.user_id for m in members if m is not None and m.user_id}
    if users:
        _announce(Article.objects.filter(last_reviewed_by__in=users).values_list("pk", flat=True))
