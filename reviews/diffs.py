"""What changed between the live revision and the one under review, for the reviewer."""

import difflib
import re

from articles.models import QuestionType, Topic


def revision_lines(revision):
    """The revision's source as labelled plain-text lines, in page order (what the editors wrote)."""
    if revision is None:
        return []
    source = revision.source
    lines = [f"Question: {source.get('question', '')}", f"Summary: {source.get('summary', '')}"]
    # Readers see the topic and the demo label too, so a reviewer sees them change.
    topic = Topic.objects.filter(pk=source.get("topic_id")).values_list("name", flat=True).first()
    lines.append(f"Topic: {topic or '(none)'}")
    lines.append(f"Demo content label: {'shown' if source.get('is_demo') else 'not shown'}")
    if source.get("credit"):
        lines.append(f"Credit: {source['credit']}")
    # Follow-up matching tells readers "About <focus>: <kind>", so these are reviewed like the text.
    if source.get("focus"):
        lines.append(f"Focus: {source['focus']}")
    if source.get("focus_synonyms"):
        lines.append(f"Other names for the focus: {'; '.join(source['focus_synonyms'].splitlines())}")
    if source.get("question_type") in QuestionType.values:
        lines.append(f"Kind of question: {QuestionType(source['question_type']).label}")
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


def _word_segments(old_line, new_line):
    """Both lines as (changed, text) segments, so the changed words inside a long paragraph stand out."""
    old_words, new_words = re.split(r"(\s+)", old_line), re.split(r"(\s+)", new_line)
    old_segments, new_segments = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if i2 > i1:
            old_segments.append((tag != "equal", "".join(old_words[i1:i2])))
        if j2 > j1:
            new_segments.append((tag != "equal", "".join(new_words[j1:j2])))
    return old_segments, new_segments


def _pair_changed_lines(rows):
    """Where n removed lines are followed by n added ones, mark the changed words in each pair."""
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j]["kind"] == "removed":
            j += 1
        k = j
        while k < len(rows) and rows[k]["kind"] == "added":
            k += 1
        if j > i and k - j == j - i:
            for removed, added in zip(rows[i:j], rows[j:k]):
                removed["segments"], added["segments"] = _word_segments(removed["text"], added["text"])
        i = max(k, i + 1)
    return rows


def revision_diff(old, new, *, context=2):
    """Changed lines between two revisions: dicts with kind ("gap", "added", "removed", "same"),
    text, and segments [(changed, text)] marking changed words. A "gap" stands for unchanged lines
    left out (a reviewer reads words, not hunk headers).

    Texts stay plain strings: templates escape them, so hostile text in a revision stays inert.
    """
    kinds = {"@": "gap", "+": "added", "-": "removed", " ": "same"}
    rows = []
    for line in list(difflib.unified_diff(revision_lines(old), revision_lines(new), lineterm="", n=context))[2:]:
        kind = kinds.get(line[:1], "same")
        text = "…" if kind == "gap" else line[1:]
        rows.append({"kind": kind, "text": text, "segments": [(False, text)]})
    return _pair_changed_lines(rows)
