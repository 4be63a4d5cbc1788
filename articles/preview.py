"""The editor's live preview: the page's own pipeline, citations numbered as the page will number them.

The admin's script tells the preview which keys are attached (the references inline, saved or
not) and which keys the sections above cite, so numbers match the page; a key no attached
reference has is flagged at once instead of waiting for the save.
"""

import re

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.html import escape
from django.views.decorators.http import require_POST

from . import pipeline

MAX_KEYS = 500
_KEY = re.compile(rf"^{pipeline.CITATION_KEY}\Z")


def _keys(value):
    """Valid citation keys from a comma-separated parameter, in order, without repeats."""
    keys = (key.strip() for key in (value or "").split(",")[:MAX_KEYS])
    return list(dict.fromkeys(key for key in keys if _KEY.match(key)))


def render_preview(text, *, attached, earlier=()):
    """Sanitised HTML of one section as the page will show it; unknown citation keys flagged."""
    numbering = pipeline.CitationNumbering()
    for key in earlier:
        if key in attached:
            numbering.number(key)
    html, unknown = pipeline.render_section(text, numbering, known_keys=set(attached))
    if not unknown:
        return html
    # What render_section left as text is exactly the groups citing an unknown key: mark them (our own markup,
    # added after sanitising, around text that was escaped).
    return pipeline.CITATION_GROUP.sub(
        lambda m: f'<span class="citation-unknown" title="No attached reference has this key">{escape(m.group(0))} '
        "⚠ unknown key: attach a reference with it, or correct it</span>",
        html,
    )


@staff_member_required
@require_POST
def preview(request):
    """POST content (markdownx's live preview); ?keys= the attached keys, ?earlier= keys cited above."""
    text = request.POST.get("content")
    if text is None:
        return HttpResponseBadRequest("Nothing to preview: the request has no content.")
    if "keys" not in request.GET:
        # The first preview, drawn before the page's script says what is attached: number locally, flag nothing.
        attached = pipeline.cited_keys(text)
    else:
        attached = _keys(request.GET["keys"])
    return HttpResponse(render_preview(text, attached=attached, earlier=_keys(request.GET.get("earlier"))))
