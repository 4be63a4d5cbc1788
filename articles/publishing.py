"""
The published copy of each article: what every public surface reads.

Design (kitsune's, not Wagtail's): the editable ``Article`` fields are the editors' working
copy; readers see the *published revision*, an immutable snapshot, and what lists, search,
feeds and related questions need of it is copied onto the article row as ``published_*``
columns. One indexed row per list item, no join to the revisions table, and a search vector
built from exactly the text readers can open.

Which revision is published follows from the workflow state alone: the live (approved)
revision, or before any approval the revision pending review (Submitted or Under Review);
a private Draft that was never approved has none and is not public.

The copy is refreshed by one receiver of ``articles.signals.publication_changed``, which
``reviews.services`` sends inside the same transaction as every move; nothing else writes
these columns.
"""

import html
import re

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import Article, Status, Topic
from .signals import publication_changed

PENDING_STATES = (Status.SUBMITTED, Status.UNDER_REVIEW)
_MARKERS = re.compile("[\ue000\ue001]")  # search's private highlight markers never enter stored text


def published_revision_id(article):
    """The revision readers see: live if approved once, else the one pending review, else none."""
    if article.live_revision_id:
        return article.live_revision_id
    if article.status in PENDING_STATES:
        return article.current_revision_id
    return None


def plain(text):
    """Revision text as the published columns store it: entities decoded, markers removed, spaces collapsed."""
    return " ".join(_MARKERS.sub(" ", html.unescape(text or "")).split())


def published_fields(revision, topic_ids):
    """The published columns' values for a revision (None: the article is not public)."""
    if revision is None:
        return {
            "published_revision": None, "published_question": "", "published_summary": "", "published_body": "",
            "published_topic_id": None, "published_is_demo": False, "published_has_answer": False,
            "published_focus": "", "published_focus_synonyms": "", "published_question_type": "",
        }  # fmt: skip
    topic_id = revision.source.get("topic_id")
    return {
        "published_revision": revision,
        "published_question": plain(revision.question),
        "published_summary": plain(revision.summary),
        "published_body": plain(revision.plain_text),
        "published_topic_id": topic_id if topic_id in topic_ids else None,
        "published_is_demo": bool(revision.source.get("is_demo", False)),
        "published_has_answer": revision.has_answer,
        # Part of every revision since migration 0016 (which filled in the older ones).
        "published_focus": revision.source.get("focus", ""),
        "published_focus_synonyms": revision.source.get("focus_synonyms", ""),
        "published_question_type": revision.source.get("question_type", ""),
    }


def _published_revision(article):
    wanted = published_revision_id(article)
    if wanted is None:
        return None
    return article.live_revision if wanted == article.live_revision_id else article.current_revision


FIELDS = [
    "published_revision", "published_at", "published_question", "published_summary", "published_body",
    "published_topic", "published_is_demo", "published_has_answer",
    "published_focus", "published_focus_synonyms", "published_question_type",
]  # fmt: skip


def refresh_published(article_ids):
    """Copy each article's published revision into its published columns; returns the ids that changed."""
    articles = list(
        Article.objects.filter(pk__in=list(article_ids)).select_related("live_revision", "current_revision")
    )
    revisions = {article.pk: _published_revision(article) for article in articles}
    wanted_topics = {r.source.get("topic_id") for r in revisions.values() if r is not None}
    topic_ids = set(Topic.objects.filter(pk__in=[t for t in wanted_topics if t]).values_list("pk", flat=True))
    now = timezone.now()
    changed = []
    for article in articles:
        revision = revisions[article.pk]
        if (revision.pk if revision else None) == article.published_revision_id:
            continue  # already in step: a move that changed no published text (start review, say)
        for name, value in published_fields(revision, topic_ids).items():
            setattr(article, name, value)
        article.published_at = now if revision is not None else None
        changed.append(article)
    # bulk_update, not save(): the published columns are derived and never pass through Article.save().
    Article.objects.bulk_update(changed, FIELDS, batch_size=500)
    return [article.pk for article in changed]


@receiver(publication_changed, dispatch_uid="articles.publishing.refresh")
def _refresh(sender, article_ids, **kwargs):
    # In the sender's transaction: readers never see a status without its published text.
    with transaction.atomic():
        refresh_published(article_ids)
