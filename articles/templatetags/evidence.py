"""Template helpers for the evidence behind a page: retraction flags read at view time."""

from django import template

from references.models import Reference

register = template.Library()


@register.simple_tag
def retracted_keys(revision):
    """Citation keys of the revision whose paper is flagged retracted now (flags can follow approval)."""
    by_id = {c["reference_id"]: c["key"] for c in (revision.source.get("citations", []) if revision else [])}
    if not by_id:
        return set()
    ids = Reference.objects.filter(pk__in=list(by_id), is_retracted=True).values_list("pk", flat=True)
    return {by_id[pk] for pk in ids}
