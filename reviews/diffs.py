"""What changed between the live revision and the one under review, for the reviewer."""

import difflib


def revision_lines(revision):
    """The revision's source as labelled plain-text lines, in page order (what the editors wrote)."""
    if revision is None:
        return []
    source = revision.source
    lines = [f"Question: {source.get('question', '')}", f"Summary: {source.get('summary', '')}"]
    if source.get("credit"):
        lines.append(f"Credit: {source['credit']}")
    for section in source.get("sections", []):
        for audience, text in section.get("versions", {}).items():
            lines.append("")
            lines.append(f"## {section.get('heading', '')} ({'everyone' if audience == 'default' else audience})")
            lines.extend(text.splitlines())
    if source.get("citations"):
        lines.append("")
        lines.append("## Attached references")
        for citation in source["citations"]:
            reference = citation.get("reference", {})
            details = ", ".join(str(reference[name]) for name in ("authors", "title", "year", "doi", "pmid", "url") if reference.get(name))
            lines.append(f"[@{citation.get('key')}] {details}")
    return lines


def revision_diff(old, new, *, context=2):
    """Changed lines between two revisions as (kind, text): kind is "hunk", "added", "removed" or "same".

    Texts stay plain strings: templates escape them, so hostile text in a revision stays inert.
    """
    rows = []
    for line in list(difflib.unified_diff(revision_lines(old), revision_lines(new), lineterm="", n=context))[2:]:
        if line.startswith("@@"):
            rows.append(("hunk", line))
        elif line.startswith("+"):
            rows.append(("added", line[1:]))
        elif line.startswith("-"):
            rows.append(("removed", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows
