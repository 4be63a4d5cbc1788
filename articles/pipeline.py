"""
The one rendering pipeline: Markdown → bleach allowlist → the site's own markup (citations, link rel).

It runs when content is saved (``articles.revisions``) and its output is stored
with the revision; views never parse Markdown. Only HTML that came out of
``sanitize()`` is ever marked safe.

Editors' markup carries no ``class``, ``id`` or ``style``: a page's classes and anchors are the
site's (status badges, ``visually-hidden``, ``#follow-up``), so editor text cannot imitate them.
Citations are therefore put in as private-use placeholders before Markdown and replaced by the
site's markup after sanitising, in text only.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import bleach
import markdown
from django.utils.html import escape
from html5lib.filters.base import Filter
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
    "a": ["href", "title"],
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

EXTERNAL_LINK_REL = "nofollow noopener"

# Where a citation goes: placeholders no editor can type (they are removed from editors' text).
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARKS = re.compile(f"[{_MARK_OPEN}{_MARK_CLOSE}{grades.OPEN}{grades.CLOSE}]")  # citations' and grades' marks
_PLACEHOLDER = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


def is_external(href):
    """True for a link that leaves the site: any scheme, or a host (//host, and /\\host as browsers read it)."""
    # Browsers drop tabs and newlines inside URLs and read backslashes as slashes.
    href = re.sub(r"[\t\n\r]", "", href).strip().replace("\\", "/")
    if href.startswith("#") or (href.startswith("/") and not href.startswith("//")):
        return False
    try:
        parts = urlsplit(href)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc or href.startswith("//"))


class _SiteMarkup(Filter):
    """After sanitising: external links get rel="nofollow noopener"; no placeholder survives in an attribute."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag"):
                attributes = token["data"]
                for name, value in list(attributes.items()):
                    attributes[name] = _MARKS.sub("", value)
                href = attributes.get((None, "href"))
                if token["name"] == "a" and href is not None and is_external(href):
                    attributes[(None, "rel")] = EXTERNAL_LINK_REL
            yield token


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
    """Keep only the allowlisted markup; everything else becomes inert text.

    A Cleaner per call: its html5lib parser holds state, so one shared between threads mixed up
    callers' texts. Building one costs ~0.03 ms against ~5.6 ms to clean a 3 KB section.
    """
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        strip_comments=True,
        filters=[_SiteMarkup],
    )
    return cleaner.clean(html)


def markdown_to_html(text):
    """Markdown to sanitised HTML, with no citation handling."""
    return sanitize(_markdown().convert(_MARKS.sub("", text or "")))


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
    citations = []  # the site's markup for each placeholder, put in after sanitising

    def replace(match):
        keys = CITATION_IN_GROUP.findall(match.group(1))
        missing = [key for key in keys if key not in known_keys]
        if missing:
            unknown.extend(missing)
            return escape(match.group(0))
        # Duplicates inside one group count once.
        citations.append(_citation_html(list(dict.fromkeys(keys)), numbering))
        return f"{_MARK_OPEN}{len(citations) - 1}{_MARK_CLOSE}"

    # Private-use marks typed by an editor are dropped; then grade badges and citations become placeholders.
    text, badges = grades.protect(_MARKS.sub("", text or ""))  # {grade=1B by=NCCN} badges go in after sanitising
    with_citations = CITATION_GROUP.sub(replace, text)
    html = sanitize(_markdown().convert(with_citations))
    # Placeholders are left in text only (the sanitiser removed any from attributes).
    html = _PLACEHOLDER.sub(lambda match: citations[int(match.group(1))], html)
    return grades.insert_badges(html, badges), unknown


def markdownx_preview(text):
    """Admin live preview: the same pipeline, citations numbered within the text alone."""
    numbering = CitationNumbering()
    html, _ = render_section(text, numbering, known_keys=set(cited_keys(text)))
    return html
