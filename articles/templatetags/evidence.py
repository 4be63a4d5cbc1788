"""Template helpers for the evidence behind a page: retraction flags read at view time."""

from django import template

from articles import evidence
from references.models import Reference

register = template.Library()


@register.simple_tag
def latest_change(article):
    """The article's latest change log entry, or None."""
    return evidence.latest_change(article)


@register.simple_tag
def retracted_keys(revision, article=None):
    """Citation keys of the revision whose paper is flagged retracted now (flags can follow approval)."""
    if article is not None and getattr(article, "cites_retracted", True) is False:
        return set()  # the page's query already said no attached paper is retracted
    by_id = {c["reference_id"]: c["key"] for c in (revision.source.get("citations", []) if revision else [])}
    if not by_id:
        return set()
    ids = Reference.objects.filter(pk__in=list(by_id), is_retracted=True).values_list("pk", flat=True)
    return {by_id[pk] for pk in ids}
