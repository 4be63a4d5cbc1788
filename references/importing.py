"""Reference import from PubMed (MEDLINE .nbib), RIS and BibTeX, matched by DOI or PMID.

Everything comes from the file the editor supplies: no metadata is ever looked up or guessed.
``plan_import`` parses and matches without writing; ``apply_plan`` saves a plan in one
transaction. Any problem in any record refuses the whole file, so nothing half-imports.
"""

import re
import unicodedata
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from pylatexenc.latex2text import LatexNodes2Text
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .models import DOI_PATTERN, Reference, normalize_doi

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # a PubMed export of 1,000 records is about 1.5 MB
MAX_RECORDS = 500
AUTHORS_MAX_LENGTH = Reference._meta.get_field("authors").max_length
FORMATS = {"pubmed": "PubMed / MEDLINE (.nbib)", "ris": "RIS (.ris)", "bibtex": "BibTeX (.bib)"}
FILLABLE = ("authors", "container", "year", "volume", "issue", "pages", "doi", "pmid", "pmcid", "url")


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, in the editor's words."""


@dataclass
class PlannedRecord:
    """One record of the file: what it would create, or the reference it matches."""

    number: int
    fields: dict
    existing: Reference | None = None
    same_as: int | None = None  # an earlier record of the same file with the same DOI or PMID
    fills: dict = field(default_factory=dict)  # blank fields of `existing` this record can fill

    @property
    def preview_html(self):
        """The record as the reference list will show it (AMA, escaped), for the preview."""
        return Reference(**self.fields).to_ama_html()

    @property
    def action(self):
        if self.existing is not None:
            return "match"
        return "duplicate" if self.same_as else "create"


# --- Reading the upload. ---


def decode(data: bytes) -> str:
    """The upload as text, or a clear refusal for binary or oversized files."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB. "
            "Export fewer records at a time."
        )
    if b"\x00" in data:
        raise ImportRefused("This file is not text. PubMed (.nbib), RIS and BibTeX exports are plain text files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # older RIS exports from reference managers
        except UnicodeDecodeError:
            raise ImportRefused("This file is not UTF-8 text. Export it again as UTF-8.") from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text):
        raise ImportRefused("This file holds control characters, so it is not a PubMed, RIS or BibTeX export.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str) -> str:
    """Which of the three formats the text is in, by its record markers."""
    if re.search(r"^PMID- *\d", text, re.M):
        return "pubmed"
    if re.search(r"^TY  - ", text, re.M):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.M):
        return "bibtex"
    raise ImportRefused(
        "This is not a PubMed (.nbib), RIS or BibTeX file: no record starts with “PMID- ”, “TY  - ” or “@article{”. "
        "In PubMed, use Send to › Citation manager."
    )


# --- Names, pages, identifiers. ---


def initials(given: str) -> str:
    """AMA initials of given names: “Jean-Pierre A.” → “J-PA”, “Åse” → “Å”."""
    out = []
    for word in re.split(r"[\s.]+", given.strip()):
        if word:
            out.append("-".join(part[0].upper() for part in word.split("-") if part))
    return "".join(out)


SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd"}


def ama_name(last: str, given: str = "", suffix: str = "") -> str:
    """One author in AMA form: “van der Berg JA”, “Smith JA Jr”, “Müller J”."""
    suffix = suffix.strip().rstrip(".")
    if suffix.lower() in {"jr", "sr"}:
        suffix = suffix.capitalize()
    parts = [last.strip(), initials(given), suffix]
    return " ".join(part for part in parts if part)


def name_from_inverted(name: str) -> str:
    """“Last, First Middle, Suffix” (RIS, PubMed FAU) in AMA form; a single word is kept as is."""
    pieces = [piece.strip() for piece in name.split(",")]
    if len(pieces) == 1:
        return pieces[0]  # a group author, e.g. “NCCN Guidelines Panel”
    last, given = pieces[0], pieces[1]
    suffix = pieces[2] if len(pieces) > 2 else ""
    words = given.split()
    if not suffix and words and words[-1].rstrip(".").lower() in SUFFIXES:
        suffix, given = words[-1], " ".join(words[:-1])
    return ama_name(last, given, suffix)


def join_authors(names: list[str]) -> str:
    """All authors, comma separated, cut (never mid-name) to fit the field; AMA shows 6 or 3 + et al."""
    names = [name.replace(",", " ").strip() for name in names if name and name.strip()]
    text = ", ".join(names)
    while len(text) > AUTHORS_MAX_LENGTH and len(names) > 7:
        names.pop()
        text = ", ".join(names)
    return text[:AUTHORS_MAX_LENGTH]


def full_pages(pages: str) -> str:
    """Page ranges in full, as AMA prints them: PubMed's “123-30” becomes “123-130”."""
    pages = pages.strip().replace("–", "-").replace("--", "-")
    match = re.fullmatch(r"([A-Za-z]?)(\d+)-([A-Za-z]?)(\d+)", pages)
    if match and len(match.group(4)) < len(match.group(2)):
        start, end = match.group(2), match.group(4)
        return f"{match.group(1)}{start}-{match.group(1)}{start[: len(start) - len(end)]}{end}"
    return pages


def year_of(text: str):
    match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text or "")
    return int(match.group(1)) if match else None


def pmid_of(text: str) -> str:
    match = re.fullmatch(r"\s*(?:PMID:?\s*)?(\d{1,9})\s*", text or "")
    return match.group(1) if match else ""


def pmcid_of(text: str) -> str:
    match = re.search(r"\bPMC\d+\b", text or "", re.I)
    return match.group(0).upper() if match else ""


def _clip(value, length):
    return (value or "").strip()[:length]


def _record(**fields) -> dict:
    """A record's Reference fields, trimmed to the columns' sizes."""
    record = {name: "" for name in ("kind", "authors", "title", "container", "volume", "issue", "pages", "doi", "pmid", "pmcid", "url")}
    record["year"] = None
    record["is_retracted"] = False
    record["retraction_note"] = ""
    record.update({k: v for k, v in fields.items() if v not in (None, "")})
    for name in ("title", "container", "volume", "issue", "pages", "url"):
        record[name] = _clip(record[name], Reference._meta.get_field(name).max_length)
    record["title"] = re.sub(r"\s+", " ", record["title"]).rstrip(".")
    record["doi"] = normalize_doi(record["doi"])
    record["kind"] = record["kind"] or Reference.Kind.STUDY
    return record


# --- PubMed / MEDLINE. ---

MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) *- ?(.*)$")
PUBMED_RETRACTED = "PubMed publication type “Retracted Publication”"
GUIDELINE_TYPES = {"guideline", "practice guideline", "consensus development conference"}
REVIEW_TYPES = {"review", "systematic review", "meta-analysis"}


def _medline_records(text):
    """Each record as a list of (tag, value), continuation lines (six spaces) joined."""
    records, current = [], []
    for line in text.split("\n"):
        if not line.strip():
            if current:
                records.append(current)
                current = []
            continue
        if line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = MEDLINE_LINE.match(line)
        if not match:
            raise ImportRefused(f"Line “{line[:60]}” is not a MEDLINE field (“TAG - value”): is this a PubMed export?")
        current.append((match.group(1), match.group(2).strip()))
    if current:
        records.append(current)
    return records


def parse_pubmed(text: str) -> list[dict]:
    """Records of a PubMed export in MEDLINE format (PubMed's “Citation manager” .nbib)."""
    results = []
    for number, tags in enumerate(_medline_records(text), start=1):
        values = {}
        for tag, value in tags:
            values.setdefault(tag, []).append(value)
        first = lambda tag: (values.get(tag) or [""])[0]  # noqa: E731
        if "PMID" not in values:
            raise ImportRefused(f"Record {number} has no PMID line: every PubMed record starts with one.")
        if "SO" not in values:
            raise ImportRefused(f"Record {number} (PMID {first('PMID')}) has no SO line: the file looks cut short.")
        doi = ""
        for value in values.get("AID", []) + values.get("LID", []):
            if value.endswith("[doi]"):
                doi = value[: -len("[doi]")].strip()
                break
        if "AU" in values or "CN" in values:
            authors = []
            for tag, value in tags:
                if tag in ("AU", "CN"):
                    authors.append(value)
        else:
            authors = [name_from_inverted(name) for name in values.get("FAU", [])]
        types = {value.lower() for value in values.get("PT", [])}
        kind = Reference.Kind.STUDY
        if types & GUIDELINE_TYPES:
            kind = Reference.Kind.GUIDELINE
        elif types & REVIEW_TYPES:
            kind = Reference.Kind.REVIEW
        results.append(
            _record(
                kind=kind,
                authors=join_authors(authors),
                title=first("TI") or first("BTI"),
                container=first("TA") or first("JT"),
                year=year_of(first("DP")),
                volume=first("VI"),
                issue=first("IP"),
                pages=full_pages(first("PG")),
                doi=doi,
                pmid=pmid_of(first("PMID")),
                pmcid=pmcid_of(first("PMC")),
                is_retracted="retracted publication" in types,
                retraction_note=PUBMED_RETRACTED if "retracted publication" in types else "",
            )
        )
    return results


# --- RIS. ---

RIS_KINDS = {"JOUR": Reference.Kind.STUDY, "JFULL": Reference.Kind.STUDY, "EJOUR": Reference.Kind.STUDY}


def parse_ris(text: str) -> list[dict]:
    """Records of a RIS file (EndNote, Zotero, Mendeley, journal sites), read by rispy."""
    opened = len(re.findall(r"^TY  - ", text, re.M))
    closed = len(re.findall(r"^ER  -", text, re.M))
    if opened != closed:
        raise ImportRefused(
            f"The file opens {opened} RIS record{'s' if opened != 1 else ''} (TY) but closes {closed} (ER): it looks cut short."
        )
    try:
        entries = rispy.loads(text)
    except Exception as error:  # rispy raises IOError, KeyError... on malformed files
        raise ImportRefused(f"This RIS file cannot be read: {error}") from None
    results = []
    for entry in entries:
        get = lambda *keys: next((entry[k] for k in keys if entry.get(k)), "")  # noqa: E731
        start, end = get("start_page"), get("end_page")
        pages = f"{start}-{end}" if start and end and end != start else start
        accession = get("accession_number")
        database = f"{get('name_of_database')} {get('database_provider')}".lower()
        pmid = pmid_of(accession) if "pubmed" in database or "medline" in database else ""
        notes = " ".join(str(n) for n in entry.get("notes", []) + [get("custom2"), get("note")])
        if not pmid:
            match = re.search(r"\bPMID:?\s*(\d{1,9})\b", notes)
            pmid = match.group(1) if match else ""
        urls = entry.get("urls") or []
        results.append(
            _record(
                kind=RIS_KINDS.get(entry.get("type_of_reference", ""), Reference.Kind.OTHER),
                authors=join_authors([name_from_inverted(n) for n in (entry.get("authors") or entry.get("first_authors") or [])]),
                title=get("title", "primary_title"),
                container=get("journal_name", "alternate_title2", "alternate_title1", "secondary_title", "alternate_title3"),
                year=year_of(get("year", "publication_year", "date")),
                volume=get("volume"),
                issue=get("number"),
                pages=full_pages(pages),
                doi=get("doi"),
                pmid=pmid,
                pmcid=pmcid_of(notes),
                url=next((u for u in urls if u.lower().startswith(("http://", "https://")) and "doi.org/" not in u), ""),
            )
        )
    return results


# --- BibTeX. ---

BIBTEX_KINDS = {"article": Reference.Kind.STUDY}


def _bibtex_text(value: str) -> str:
    """A BibTeX value as plain text: LaTeX accents decoded (M{\\"u}ller → Müller), braces dropped."""
    text = LatexNodes2Text(math_mode="verbatim").latex_to_text(str(value))
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def parse_bibtex(text: str) -> list[dict]:
    """Entries of a BibTeX file, read by bibtexparser 2 (names split first, so {Group Authors} stay whole)."""
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", 0) + 1
        raise ImportRefused(
            f"The BibTeX entry starting on line {line} cannot be read (an unclosed brace or quote?). Nothing was imported."
        )
    results = []
    for entry in library.entries:
        fields = {key.lower(): value for key, value in entry.fields_dict.items()}
        get = lambda key: _bibtex_text(fields[key].value) if key in fields else ""  # noqa: E731
        authors = []
        if "author" in fields:
            for name in fields["author"].value:
                last = " ".join(name.von + name.last)
                first, jr = _bibtex_text(" ".join(name.first)), _bibtex_text(" ".join(name.jr))
                authors.append(ama_name(_bibtex_text(last), first, jr))
        pmid = pmid_of(get("pmid"))
        results.append(
            _record(
                kind=BIBTEX_KINDS.get(entry.entry_type.lower(), Reference.Kind.OTHER),
                authors=join_authors(authors),
                title=get("title"),
                container=get("journal") or get("publisher") or get("institution") or get("organization"),
                year=year_of(get("year") or get("date")),
                volume=get("volume"),
                issue=get("number"),
                pages=full_pages(get("pages")),
                doi=get("doi"),
                pmid=pmid,
                pmcid=pmcid_of(get("pmcid")),
                url=get("url") if get("url").lower().startswith(("http://", "https://")) else "",
            )
        )
    return results


PARSERS = {"pubmed": parse_pubmed, "ris": parse_ris, "bibtex": parse_bibtex}


def parse(text: str, fmt: str = "") -> tuple[str, list[dict]]:
    """(format, records) of an export; refuses wrong formats, empty files and bad records."""
    if not text.strip():
        raise ImportRefused("The file is empty.")
    detected = detect_format(text)
    if fmt and fmt != detected:
        raise ImportRefused(f"You chose {FORMATS[fmt]}, but this looks like {FORMATS[detected]}.")
    records = PARSERS[detected](text)
    if not records:
        raise ImportRefused(f"No records found in this {FORMATS[detected]} file.")
    if len(records) > MAX_RECORDS:
        raise ImportRefused(f"The file holds {len(records)} records; import at most {MAX_RECORDS} at a time.")
    problems = []
    for number, record in enumerate(records, start=1):
        if not record["title"]:
            problems.append(f"Record {number} has no title.")
            continue
        if record["doi"] and not DOI_PATTERN.match(record["doi"]):
            problems.append(f"Record {number}: “{record['doi'][:80]}” is not a DOI.")
            continue
        try:  # the model's own rules (URL schemes, lengths, identifiers), as a save would apply them
            Reference(**record).full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = Reference._meta.get_field(field_name).verbose_name if field_name != "__all__" else "record"
                problems.append(f"Record {number}, {label}: {' '.join(messages)}")
    if problems:
        raise ImportRefused(" ".join(problems[:10]))
    return detected, records


# --- Matching and saving. ---


def _known(records, queryset):
    """The references already holding any of these records' DOIs or PMIDs, by ("doi"|"pmid", value)."""
    dois = [r["doi"] for r in records if r["doi"]]
    pmids = [r["pmid"] for r in records if r["pmid"]]
    known = {}
    for reference in queryset.filter(Q(doi__in=dois) | Q(pmid__in=pmids)).order_by("pk"):
        for key in (("doi", reference.doi), ("pmid", reference.pmid)):
            if key[1]:
                known.setdefault(key, reference)
    return known


def _keys(fields):
    return [k for k in (("doi", fields["doi"]), ("pmid", fields["pmid"])) if k[1]]


def plan_import(text: str, fmt: str = "") -> tuple[str, list[PlannedRecord]]:
    """What importing the text would do, record by record; writes nothing (two queries in all)."""
    detected, records = parse(text, fmt)
    known = _known(records, Reference.objects.all())
    plan, seen = [], {}
    for number, fields in enumerate(records, start=1):
        item = PlannedRecord(number=number, fields=fields)
        item.same_as = next((seen[k] for k in _keys(fields) if k in seen), None)
        item.existing = next((known[k] for k in _keys(fields) if k in known), None)
        if item.existing is not None:
            item.fills = fillable(item.existing, fields, known)
        for key in _keys(fields):
            seen.setdefault(key, number)
        plan.append(item)
    return detected, plan


def fillable(existing: Reference, fields: dict, known: dict) -> dict:
    """Blank fields of an existing reference this record can fill; what is there is never overwritten.

    An identifier another reference already holds is not copied: one source stays one row.
    """
    return {
        name: fields[name]
        for name in FILLABLE
        if fields.get(name) and not getattr(existing, name)
        and not (name in ("doi", "pmid") and (name, fields[name]) in known)
    }  # fmt: skip


@transaction.atomic
def apply_plan(plan: list[PlannedRecord]) -> tuple[list[Reference], list[Reference]]:
    """Save a plan: (created, matched) references. Matches again inside the transaction, rows locked."""
    known = _known([item.fields for item in plan], Reference.objects.select_for_update())
    new, matched, changed = [], [], {}
    for item in plan:
        reference = next((known[k] for k in _keys(item.fields) if k in known), None)
        if reference is None:
            reference = Reference(**item.fields)  # fields were checked with the model's rules when parsed
            new.append(reference)
        elif reference.pk is not None:
            fills = fillable(reference, item.fields, known)
            if item.fields["is_retracted"] and not reference.is_retracted:  # PubMed says so: flag the match too
                fills.update(is_retracted=True, retraction_note=reference.retraction_note or item.fields["retraction_note"])
            for name, value in fills.items():
                setattr(reference, name, value)
            if fills:
                changed.setdefault(reference.pk, (reference, set()))[1].update(fills)
            if reference not in matched:
                matched.append(reference)
        for key in (("doi", reference.doi), ("pmid", reference.pmid)):
            if key[1]:
                known.setdefault(key, reference)
    for reference, names in changed.values():
        reference.save(update_fields=[*names, "updated"])
    return Reference.objects.bulk_create(new), matched
