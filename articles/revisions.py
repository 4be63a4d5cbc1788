"""
Revisions: every saved change of an article's content becomes an immutable
snapshot holding what the editors wrote and the HTML rendered from it.

Content is the question, the summary, the sections (every audience version) and
the attached references. A save that changes none of it makes no revision:
revisions are compared by a hash of their content, not by ids.
"""

import hashlib
import json
import re

import textstat

from django.utils.html import strip_tags

from . import grades, pipeline
from .models import DEFAULT_AUDIENCE, PLAIN_LANGUAGE_AUDIENCES, AnswerSection, ArticleRevision, Audience, Citation


class CitationError(ValueError):
    """The text cites keys that no attached reference has."""

    def __init__(self, unknown):
        self.unknown = list(dict.fromkeys(unknown))
        keys = ", ".join(f"[@{key}]" for key in self.unknown)
        super().__init__(f"Unknown citation key {keys}: attach a reference with that key, or correct the key.")


def _reference_fields(reference):
    return {
        name: str(getattr(reference, name) or "")
        for name in ("kind", "authors", "title", "container", "year", "volume", "issue", "pages", "doi", "pmid", "url", "accessed")
    }


def content_of(article, sections=None, citations=None):
    """The article's content as plain data, in a stable order: everything readers see of it."""
    if sections is None:
        sections = list(article.sections.all())
    if citations is None:
        citations = list(article.citations.select_related("reference"))
    return {
        "question": article.question.strip(),
        "summary": article.summary.strip(),
        "credit": article.credit.strip(),
        # Readers see these too, so they are content: changing them goes through review like the text.
        "topic_id": article.topic_id,
        "is_demo": bool(article.is_demo),
        # What follow-up matching recognises and tells readers ("About DVT: causes").
        "focus": article.focus.strip(),
        "focus_synonyms": "\n".join(line.strip() for line in article.focus_synonyms.splitlines() if line.strip()),
        "question_type": article.question_type,
        "sections": [
            {"kind": s.kind, "heading": s.heading, "versions": {a: t.strip() for a, t in s.versions().items()}}
            for s in sorted(sections, key=lambda s: s.kind)
        ],
        "citations": [
            {"key": c.key, "reference_id": c.reference_id, "reference": _reference_fields(c.reference)}
            for c in sorted(citations, key=lambda c: c.key)
        ],
    }


def content_hash(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def check_citations(section_texts, keys):
    """Raise CitationError if any text cites a key not in `keys`; return uncited keys."""
    used = [key for text in section_texts for key in pipeline.cited_keys(text)]
    unknown = [key for key in used if key not in keys]
    if unknown:
        raise CitationError(unknown)
    return [key for key in keys if key not in used]


def _section_anchor(kind):
    return {AnswerSection.Kind.GUIDELINES: "guidelines", AnswerSection.Kind.RESEARCH: "research"}.get(kind, "source")


def render_page(content, references_by_key, audience):
    """One reader's page: sections in order, citations numbered by first use, one reference list."""
    numbering = pipeline.CitationNumbering(titles={key: pipeline.short_title(ref.title) for key, ref in references_by_key.items()})
    sections = []
    for section in content["sections"]:
        text = section["versions"].get(audience) or section["versions"][DEFAULT_AUDIENCE]
        html, unknown = pipeline.render_section(text, numbering, known_keys=references_by_key)
        if unknown:
            raise CitationError(unknown)
        sections.append({
            "kind": section["kind"], "heading": section["heading"], "anchor": _section_anchor(section["kind"]), "html": html,
            "grades": grades.graded_statements(text),  # for the page's legend and structured data
        })
    references = [
        {
            "number": number,
            "key": key,
            "html": str(references_by_key[key].to_ama_html()),
            # Where the reader can go back to: one anchor id per place it is cited, in page order.
            "backlinks": [
                {"id": anchor, "label": pipeline.backlink_letter(index)}
                for index, anchor in enumerate(numbering.places.get(number, []))
            ],
        }
        for key, number in sorted(numbering.numbers.items(), key=lambda item: item[1])
    ]
    return {"sections": sections, "references": references}


CITATION_MARKUP = re.compile(r'<sup class="citations">.*?</sup>')


def reading_grade(html):
    """Flesch-Kincaid grade of a rendered section as a reader reads it (citation numbers removed)."""
    plain = strip_tags(CITATION_MARKUP.sub("", html))
    if len(plain.split()) < 3:
        return None
    return round(textstat.flesch_kincaid_grade(plain), 1)


def render(content, references_by_key):
    """Everything derived from the content: per-audience pages, warnings, reading levels, search text.

    Each Markdown text is rendered once; reading levels are read off the rendered HTML.
    """
    audiences = {DEFAULT_AUDIENCE: render_page(content, references_by_key, DEFAULT_AUDIENCE)}
    for audience in Audience.values:
        if any(audience in section["versions"] for section in content["sections"]):
            audiences[audience] = render_page(content, references_by_key, audience)
    reading_levels = {
        str(section["kind"]): {
            audience: reading_grade(audiences[audience]["sections"][index]["html"]) for audience in section["versions"]
        }
        for index, section in enumerate(content["sections"])
    }
    uncited = check_citations(
        [text for section in content["sections"] for text in section["versions"].values()], list(references_by_key)
    )
    warnings = [f"Reference [@{key}] is attached but never cited." for key in uncited]
    plain_text = " ".join(strip_tags(section["html"]) for section in audiences[DEFAULT_AUDIENCE]["sections"])
    plain_text = re.sub(r"\s+", " ", plain_text).strip()
    return {"audiences": audiences, "warnings": warnings}, reading_levels, plain_text


def lay_read_audiences(versions):
    """Which texts of a section patients and caregivers read: their own version, else the text for everyone."""
    return {audience if audience in versions else DEFAULT_AUDIENCE for audience in PLAIN_LANGUAGE_AUDIENCES}


def plain_language_grade(reading_levels):
    """The highest grade among the texts patients and caregivers actually read, or None where none was graded."""
    grades = [
        versions[audience]
        for versions in reading_levels.values()
        for audience in lay_read_audiences(versions)
        if versions.get(audience) is not None
    ]
    return max(grades) if grades else None


def new_revision(article, *, number, content, digest, derived, user=None):
    """An unsaved revision of the content, with what render() derived from it."""
    rendered, reading_levels, plain_text = derived
    return ArticleRevision(
        article=article,
        number=number,
        created_by=user if user is not None and user.is_authenticated else None,
        content_hash=digest,
        question=content["question"],
        summary=content["summary"],
        source=content,
        rendered=rendered,
        reading_levels=reading_levels,
        plain_language_grade=plain_language_grade(reading_levels),
        plain_text=plain_text,
    )


def build_revision(article, *, user=None):
    """An unsaved revision of the article's working copy, or None when it equals the current revision.

    Raises CitationError when the text cites a key no attached reference has. Saving it and
    moving the article's pointers is reviews.services' job (article_save_content).
    """
    citations = list(Citation.objects.filter(article=article).select_related("reference"))
    content = content_of(article, sections=list(article.sections.all()), citations=citations)
    digest = content_hash(content)
    current = article.current_revision
    if current is not None and current.content_hash == digest:
        return None
    derived = render(content, {c.key: c.reference for c in citations})
    last_number = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return new_revision(article, number=last_number + 1, content=content, digest=digest, derived=derived, user=user)
