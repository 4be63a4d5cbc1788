"""Retraction flags from a Retraction Watch CSV the editor supplies (never downloaded by the site)."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from .importing import ImportRefused, pmid_of
from .models import Reference, normalize_doi

# The columns of the Retraction Watch database export (Crossref's retraction-watch-data CSV).
REQUIRED_COLUMNS = {"OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature"}
MAX_ROWS = 500_000
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class RetractionReport:
    """What an import flagged: references newly flagged, already flagged, and rows read."""

    flagged: list = field(default_factory=list)
    already: list = field(default_factory=list)
    rows: int = 0


def _note(row):
    date = (row.get("RetractionDate") or "").split(" ")[0]
    notice = normalize_doi(row.get("RetractionDOI") or "")
    parts = ["Retraction Watch"]
    if notice and notice.lower() not in ("unavailable", "none"):
        parts.append(f"notice doi:{notice}")
    if date:
        parts.append(date)
    return ", ".join(parts)[:300]


def read_rows(upload):
    """The CSV's rows as dicts, streamed (the full database is ~60 MB); refuses other files."""
    if upload.size > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB: is it the Retraction Watch CSV?")
    head = upload.read(4096)
    upload.seek(0)
    if b"\x00" in head:
        raise ImportRefused("This file is not text: upload the Retraction Watch CSV.")
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    if not reader.fieldnames or not REQUIRED_COLUMNS <= set(reader.fieldnames):
        raise ImportRefused(
            "This is not a Retraction Watch CSV: it needs the columns OriginalPaperDOI, OriginalPaperPubMedID "
            "and RetractionNature."
        )
    return reader


@transaction.atomic
def import_retractions(upload) -> RetractionReport:
    """Flag every reference whose DOI or PMID a "Retraction" row names; other notices are ignored."""
    wanted_doi, wanted_pmid = {}, {}
    report = RetractionReport()
    try:
        for row in read_rows(upload):
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows: keep only the ones you need.")
            # Corrections, expressions of concern and reinstatements are not retractions.
            if (row.get("RetractionNature") or "").strip().lower() != "retraction":
                continue
            doi = normalize_doi(row.get("OriginalPaperDOI") or "")
            pmid = pmid_of(row.get("OriginalPaperPubMedID") or "")
            note = _note(row)  # keep a short note per row, not the row: the full file has ~60,000
            if doi and doi not in ("unavailable", "none"):
                wanted_doi[doi] = note
            if pmid and pmid != "0":
                wanted_pmid[pmid] = note
    except csv.Error as error:
        raise ImportRefused(f"The CSV cannot be read: {error}") from None
    # Our references are far fewer than the database's rows: walk ours, look each up in the rows read.
    for reference in Reference.objects.select_for_update().exclude(doi="", pmid="").order_by("pk"):
        if reference.doi not in wanted_doi and reference.pmid not in wanted_pmid:
            continue
        note = wanted_doi.get(reference.doi) or wanted_pmid.get(reference.pmid)
        if reference.is_retracted:
            report.already.append(reference)
            continue
        reference.is_retracted = True
        reference.retraction_note = reference.retraction_note or note
        reference.save(update_fields=["is_retracted", "retraction_note", "updated"])
        report.flagged.append(reference)
    return report
