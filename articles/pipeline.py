"""
The one rendering pipeline: Markdown → citations → bleach allowlist.

It runs when content is saved (``articles.revisions``) and its output is stored
with the revision; views never parse Markdown. Only HTML that came out of
``sanitize()`` is ever marked safe.
"""

import re
from dataclasses import dataclass, field

import bleach
import markdown
from bleach.css_sanitizer import CSSSanitizer
from django.utils.html import escape
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import grades

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
        "a", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "class", "id"],
    "sup": ["class"],
    "th": ["align"],
    "td": ["align"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Pandoc citations: [@key] and [@key1; @key2]. A key may hold internal punctuation
# but ends on a letter, digit or underscore.
CITATION_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
CITATION_GROUP = re.compile(r"\[(@" + CITATION_KEY + r"(?:\s*;\s*@" + CITATION_KEY + r")*)\s*\]")
CITATION_IN_GROUP = re.compile(r"@(" + CITATION_KEY + r")")

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=[]),
)


class _HeadingLevels(Treeprocessor):
    """Editors' headings sit under the section's <h2>: # and ## become <h3>."""

    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = "h3"


class _HeadingLevelsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_HeadingLevels(md), "qa_heading_levels", 5)


def _markdown():
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", _HeadingLevelsExtension()],
        output_format="html",
    )


def sanitize(html):
    """Keep only the allowlisted markup; everything else becomes inert text."""
    return _cleaner.clean(html)


def markdown_to_html(text):
    """Markdown to sanitised HTML, with no citation handling."""
    return sanitize(_markdown().convert(text or ""))


def cited_keys(text):
    """Every citation key in the text, in order of use (repeats kept)."""
    keys = []
    for group in CITATION_GROUP.finditer(text or ""):
        keys.extend(CITATION_IN_GROUP.findall(group.group(1)))
    return keys


@dataclass
class CitationNumbering:
    """Numbers assigned by first use across a whole page, as Wikipedia's Cite does."""

    numbers: dict = field(default_factory=dict)

    def number(self, key):
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        return self.numbers[key]


def _citation_html(keys, numbering):
    links = []
    for key in keys:
        n = numbering.number(key)
        links.append(f'<a href="#ref-{n}" class="citation" title="Reference {n}">{n}</a>')
    return '<sup class="citations">' + ", ".join(links) + "</sup>"


def render_section(text, numbering, known_keys):
    """Render one section's Markdown, numbering its citations in the shared numbering.

    Unknown keys are left as the editor typed them (escaped) and reported.
    """
    unknown = []

    def replace(match):
        keys = CITATION_IN_GROUP.findall(match.group(1))
        missing = [key for key in keys if key not in known_keys]
        if missing:
            unknown.extend(missing)
            return escape(match.group(0))
        # Duplicates inside one group count once.
        return _citation_html(list(dict.fromkeys(keys)), numbering)

    text, badges = grades.protect(text)  # {grade=1B by=NCCN} badges go in after sanitising
    with_citations = CITATION_GROUP.sub(replace, text or "")
    return grades.insert_badges(sanitize(_markdown().convert(with_citations)), badges), unknown


def markdownx_preview(text):
    """Admin live preview: the same pipeline, citations numbered within the text alone."""
    numbering = CitationNumbering()
    html, _ = render_section(text, numbering, known_keys=set(cited_keys(text)))
    return html
