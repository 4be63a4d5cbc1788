"""
MedQuAD (Ben Abacha & Demner-Fushman, 2019; CC BY 4.0): NIH answers as articles.

Each answer becomes an article whose one section is headed by its NIH source,
cites the original NIH page and the MedQuAD collection, and is imported as
Submitted: nobody on our board has reviewed it.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify

from .models import QuestionType

QUESTION_TYPES = frozenset(QuestionType.values)

SOURCES = {
    # MedQuAD source code: (publisher, how the section heading reads after "From")
    "CancerGov": ("National Cancer Institute", "the National Cancer Institute"),
    "GHR": ("Genetics Home Reference, U.S. National Library of Medicine", "Genetics Home Reference (NIH)"),
    "GARD": ("Genetic and Rare Diseases Information Center", "the Genetic and Rare Diseases Information Center (NIH)"),
    "NIDDK": (
        "National Institute of Diabetes and Digestive and Kidney Diseases",
        "the National Institute of Diabetes and Digestive and Kidney Diseases",
    ),
    "NINDS": ("National Institute of Neurological Disorders and Stroke", "the National Institute of Neurological Disorders and Stroke"),
    "MPlusHealthTopics": ("MedlinePlus, U.S. National Library of Medicine", "MedlinePlus (NIH)"),
    "NIHSeniorHealth": ("NIHSeniorHealth, National Institutes of Health", "NIHSeniorHealth"),
    "NHLBI": ("National Heart, Lung, and Blood Institute", "the National Heart, Lung, and Blood Institute"),
    "CDC": ("Centers for Disease Control and Prevention", "the Centers for Disease Control and Prevention"),
}

MEDQUAD_REFERENCE = {
    # Only what the MedQuAD README states; no DOI or PMID is given there, so none is stored.
    "kind": "study",
    "authors": "Ben Abacha A, Demner-Fushman D",
    "title": "A question-entailment approach to question answering",
    "container": "BMC Bioinformatics",
    "year": 2019,
    "volume": "20",
    "pages": "511",
}
MEDQUAD_KEY = "medquad"
SOURCE_KEY = "nih-source"
CREDIT = (
    "Answer text reused from {publisher} ({url}) through the MedQuAD collection "
    "(Ben Abacha & Demner-Fushman, 2019), licensed CC BY 4.0; list formatting restored."
)

# An item marker: a dash at the start of a line or after a run of two or more spaces
# ("  - item", "     -Item" in GARD); group 1 is the space after the dash.
_MARKER = re.compile(r"(?:^|\s{2,})-(\s*)(?=\S)")
# Inside an item, a wider run of spaces before a capital starts the paragraph after the list.
_ITEM_END = re.compile(r"\s{3,}(?=[A-Z0-9\"'(])")
_PARAGRAPH_BREAK = re.compile(r"(?<=[.:?!])\s{3,}")


def clean_question(question):
    """'What is (are) Gout ?' → 'What is Gout?'."""
    text = re.sub(r"\s+", " ", question).strip()
    text = text.replace("What is (are)", "What is").replace("what research", "What research")
    text = re.sub(r"\s+\?", "?", text)
    text = re.sub(r"\?+$", "?", text)
    return text[:1].upper() + text[1:]


def _tidy(text):
    """One line of text: single spaces, and "term : definition" (a lost bold term) as "term: definition"."""
    return re.sub(r"(?<=\w) :(?= )", ":", re.sub(r"\s+", " ", text)).strip()


def _paragraphs(text):
    return [("p", _tidy(part)) for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def _tokens(answer):
    """The answer as ("p", text) paragraphs and ("item", marker width, text) list items."""
    tokens = []
    for line in (answer or "").split("\n"):
        line = line.strip()
        markers = list(_MARKER.finditer(line))
        tokens.extend(_paragraphs(line[: markers[0].start()] if markers else line))
        for index, marker in enumerate(markers):
            end = markers[index + 1].start() if index + 1 < len(markers) else len(line)
            item, *rest = _ITEM_END.split(line[marker.end() : end], maxsplit=1)
            item = _tidy(item)
            if item:
                tokens.append(("item", len(marker.group(1)), item))
            tokens.extend(_paragraphs(rest[0]) if rest else [])
    return tokens


def answer_to_markdown(answer):
    """Turn MedQuAD's flattened text back into Markdown paragraphs and (nested) lists.

    MedQuAD flattens each list to " - item" runs separated by two or more spaces; a
    wider run before a capital letter starts the next paragraph. A sub-list follows an
    item ending in a colon and its dashes are spaced differently ("-   item" above,
    "- sub-item" below), which is how the nesting is recovered.
    """
    blocks, items, widths, previous = [], [], [], ""
    for token in _tokens(answer):
        if token[0] == "p":
            if items:
                blocks.append("\n".join(items))
                items, widths = [], []
            blocks.append(_escape_inline(token[1]))
            continue
        _, width, text = token
        if not widths:
            widths = [width]
        elif width in widths:
            del widths[widths.index(width) + 1 :]
        elif previous.endswith(":") and len(widths) < 3:
            widths.append(width)
        items.append("    " * (len(widths) - 1) + "- " + _escape_inline(text))
        previous = text
    if items:
        blocks.append("\n".join(items))
    return "\n\n".join(blocks)


def _escape_inline(text):
    # Source text is plain: keep characters Markdown would treat as markup literal.
    # "<" has no Markdown escape, so it becomes an entity (bleach keeps it as text).
    text = re.sub(r"([\\`*_\[\]>#|])", r"\\\1", text).replace("<", "&lt;")
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def _synonyms(values):
    """The row's synonyms as clean one-line names (MedQuAD gives a list of strings)."""
    names = [" ".join(str(v).split())[:200] for v in values or [] if isinstance(v, str)]
    return list(dict.fromkeys(name for name in names if name))


@dataclass
class MedQuADEntry:
    """One question-answer pair, ready to become an article."""

    external_id: str
    question: str
    slug: str
    focus: str
    source: str
    publisher: str
    heading_source: str
    url: str
    body: str
    credit: str
    focus_synonyms: str = ""  # one per line, as editors type them in the admin
    question_type: str = ""

    @classmethod
    def from_row(cls, row):
        source = row["source"]
        publisher, heading_source = SOURCES.get(source, (source, source))
        question = clean_question(row["question"])
        body = answer_to_markdown(row["answer"])
        body += f"\n\n*Source: {publisher} [@{SOURCE_KEY}], collected in MedQuAD [@{MEDQUAD_KEY}].*"
        return cls(
            external_id=f"medquad:{source}:{row['qid']}",
            question=question[:300],
            slug=slugify(question)[:180] or slugify(row["qid"]),
            focus=(row.get("focus") or "").strip()[:200],
            source=source,
            publisher=publisher,
            heading_source=heading_source,
            url=row["url"],
            body=body,
            credit=CREDIT.format(publisher=publisher, url=row["url"]),
            focus_synonyms="\n".join(_synonyms(row.get("synonyms"))),
            question_type=row["qtype"] if row.get("qtype") in QUESTION_TYPES else "",
        )

    def summary(self, limit=280):
        """The first paragraph of the answer, as plain text."""
        first = re.sub(r"\\(.)", r"\1", self.body.split("\n\n", 1)[0]).replace("&lt;", "<").lstrip("- ")
        return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
