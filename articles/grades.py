"""Graded guideline statements: `{grade=1B by=NCCN}` at the end of a statement becomes a badge.

GRADE strength 1 (strong) or 2 (weak) × quality A (high) / B (moderate) / C (low), or
`ungraded`; `by=` names the issuing body and is optional. The badge is our own markup, put in
after sanitising (so no allowlist has to admit it), and every graded statement is also kept as
data (``graded_statements``) for the structured data of the page.
"""

import re

from django.utils.html import format_html, strip_tags

STRENGTHS = {"1": ("strong", "Strong recommendation"), "2": ("weak", "Weak (conditional) recommendation")}
QUALITIES = {"A": ("high", "high-quality evidence"), "B": ("moderate", "moderate-quality evidence"), "C": ("low", "low-quality evidence")}
UNGRADED_WORDS = "Recommendation the guideline does not grade"

ANY_MARKER = re.compile(r"\{grade\s*=[^{}\n]{0,120}\}", re.I)
MARKER = re.compile(r"\{grade=(?P<grade>[12][ABC]|ungraded)(?:\s+by=(?P<by>[^\W_][\w .&'’()/,-]{0,79}?))?\s*\}")
# Private-use characters stand in for badges while Markdown and the sanitiser run.
OPEN, CLOSE = "\ue010", "\ue011"
PLACEHOLDER = re.compile(OPEN + r"(\d+)" + CLOSE)


def describe(grade: str) -> dict:
    """A grade's data and its plain words: {"grade": "1B", "strength": "strong", "words": "..."}."""
    if grade == "ungraded":
        return {"grade": "ungraded", "strength": "", "quality": "", "words": UNGRADED_WORDS}
    strength, strength_words = STRENGTHS[grade[0]]
    quality, quality_words = QUALITIES[grade[1]]
    return {"grade": grade, "strength": strength, "quality": quality, "words": f"{strength_words}, {quality_words}"}


def legend():
    """Every grade with its plain words, in order, for the editorial policy."""
    return [describe(s + q) for s in STRENGTHS for q in QUALITIES] + [describe("ungraded")]


def marker_errors(text: str) -> list[str]:
    """The grade markers in a text that are not valid, each with how to write it."""
    return [
        f"“{match.group(0)}” is not a grade: write {{grade=1A}} … {{grade=2C}} or {{grade=ungraded}}, "
        "optionally with the issuing body, e.g. {grade=1B by=NCCN}."
        for match in ANY_MARKER.finditer(text or "")
        if not MARKER.fullmatch(match.group(0))
    ]


def _badge(grade: str, by: str) -> str:
    data = describe(grade)
    label = "Ungraded" if grade == "ungraded" else f"Grade {grade}"
    words = f"{data['words']} ({by})" if by else data["words"]
    return format_html(
        '<span class="grade grade--{}" data-grade="{}" data-strength="{}" data-quality="{}" data-issuer="{}">'
        '<abbr class="grade__label" title="{}">{}{}</abbr><span class="visually-hidden">: {}</span></span>',
        data["strength"] or "ungraded", grade, data["strength"], data["quality"], by, words,
        f"{by} " if by else "", label, words,
    )


def protect(text: str) -> tuple[str, list[str]]:
    """Replace valid markers with placeholders (before Markdown); returns the text and the badges."""
    text = (text or "").replace(OPEN, "").replace(CLOSE, "")
    badges = []

    def replace(match):
        badges.append(_badge(match.group("grade"), (match.group("by") or "").strip()))
        return f"{OPEN}{len(badges) - 1}{CLOSE}"

    return MARKER.sub(replace, text), badges


def insert_badges(html: str, badges: list[str]) -> str:
    """Put the badges where their placeholders ended up (after sanitising)."""
    return PLACEHOLDER.sub(lambda m: badges[int(m.group(1))] if int(m.group(1)) < len(badges) else "", html)


BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
CITATIONS = re.compile(r"\[@[^\]]*\]")


def _plain(markdown_text: str) -> str:
    text = CITATIONS.sub("", markdown_text)
    text = re.sub(r"[*_`#>]+", "", strip_tags(text))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:])", r"\1", text)  # where a citation stood before the full stop


def graded_statements(text: str) -> list[dict]:
    """Each graded statement of a Markdown text: its plain text, grade, strength, quality and issuer."""
    blocks, current = [], []
    for line in (text or "").split("\n"):
        if not line.strip() or BLOCK_START.match(line):
            if current:
                blocks.append(" ".join(current))
            current = [BLOCK_START.sub("", line)] if line.strip() else []
        else:
            current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    statements = []
    for block in blocks:
        start = 0
        for match in MARKER.finditer(block):
            statement = _plain(block[start : match.start()])
            start = match.end()
            if statement:
                by = (match.group("by") or "").strip()
                statements.append({"statement": statement, **describe(match.group("grade")), "issuer": by})
    return statements
