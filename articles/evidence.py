"""What the article page shows of its evidence (latest change, retracted papers) within its query budget.

``page_annotations()`` adds them to the page's one article query as subqueries, so the page
costs no extra query for them; the template tags fall back to a query where they are absent.
"""

from django.db.models import Exists, OuterRef, Subquery

from .models import ChangeLogEntry, Citation

CHANGE_FIELDS = ("pk", "went_live", "reviewer", "size", "summary", "first_publication", "evidence_current_through")


def page_annotations():
    """Annotations for the article page: does it cite a retracted paper, and its latest change log entry."""
    latest = ChangeLogEntry.objects.filter(article=OuterRef("pk")).order_by("-went_live", "-id")
    annotations = {f"latest_change_{name}": Subquery(latest.values(name)[:1]) for name in CHANGE_FIELDS}
    # The attached references (the working copy); a retracted one is then looked up by the page's keys.
    annotations["cites_retracted"] = Exists(Citation.objects.filter(article=OuterRef("pk"), reference__is_retracted=True))
    return annotations


def latest_change(article):
    """The article's latest change log entry (from the annotations when present), or None."""
    if not hasattr(article, "latest_change_pk"):
        return article.change_log.first()
    if article.latest_change_pk is None:
        return None
    entry = ChangeLogEntry(article=article, **{name: getattr(article, f"latest_change_{name}") for name in CHANGE_FIELDS})
    entry._state.adding = False
    return entry
