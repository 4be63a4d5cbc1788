"""
MedQuAD (Ben Abacha & Demner-Fushman, 2019; CC BY 4.0): NIH answers as articles.

Each answer becomes an article whose one section is headed by its NIH source,
cites the original NIH page and the MedQuAD collection, and is imported as
Submitted: nobody on our board has reviewed it.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify

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

_ITEM_SEPARATOR = re.compile(r"\s{2,}-\s+")
_LIST_END = re.compile(r"\s{6,}")
_PARAGRAPH_BREAK = re.compile(r"(?<=[.:?!])\s{3,}")


def clean_question(question):
    """'What is (are) Gout ?' → 'What is Gout?'."""
    text = re.sub(r"\s+", " ", question).strip()
    text = text.replace("What is (are)", "What is").replace("what research", "What research")
    text = re.sub(r"\s+\?", "?", text)
    text = re.sub(r"\?+$", "?", text)
    return text[:1].upper() + text[1:]


def answer_to_markdown(answer):
    """Turn MedQuAD's flattened text back into Markdown paragraphs and lists.

    MedQuAD flattens each list to " - item" runs separated by two or more spaces,
    and a list ends where a wide run of spaces starts the next paragraph.
    """
    blocks = []
    for line in re.split(r"\n\s*", answer or ""):
        line = line.strip()
        if not line:
            continue
        if _ITEM_SEPARATOR.search(" " * 2 + line) and ("  -" in line or line.startswith("-")):
            head, *items = _ITEM_SEPARATOR.split("  " + line)
            head = head.strip()
            if head:
                blocks.extend(p.strip() for p in _PARAGRAPH_BREAK.split(head) if p.strip())
            list_items = []
            tail = ""
            for index, item in enumerate(items):
                if index == len(items) - 1:
                    parts = _LIST_END.split(item.strip(), maxsplit=1)
                    item, tail = parts[0], (parts[1] if len(parts) > 1 else "")
                list_items.append("- " + re.sub(r"\s+", " ", item).strip())
            blocks.append("\n".join(list_items))
            if tail.strip():
                blocks.extend(p.strip() for p in _PARAGRAPH_BREAK.split(tail) if p.strip())
        else:
            blocks.extend(re.sub(r"\s+", " ", p).strip() for p in _PARAGRAPH_BREAK.split(line) if p.strip())
    return "\n\n".join(_escape_markdown(block) for block in blocks)


def _escape_markdown(block):
    # Source text is plain: keep characters Markdown would treat as markup literal.
    if block.startswith("- "):
        return "\n".join("- " + _escape_inline(item[2:]) for item in block.split("\n"))
    return _escape_inline(block)


def _escape_inline(text):
    text = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


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
        )

    def summary(self, limit=280):
        """The first paragraph of the answer, as plain text."""
        first = re.sub(r"\\(.)", r"\1", self.body.split("\n\n", 1)[0]).lstrip("- ")
        return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
