"""Retraction flags from a Retraction Watch CSV the editor supplies (never downloaded by the site)."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from .importing import MAX_IMPORT_BYTES, ImportRefused, decode, pmid_of
from .models import Reference, normalize_doi

# The columns of the Retraction Watch database export (Crossref's retraction-watch-data CSV).
REQUIRED_COLUMNS = {"OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature"}
MAX_ROWS = 100_000


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


def read_rows(data: bytes):
    """The CSV's rows as dicts; refuses files that are not a Retraction Watch export."""
    if len(data) > MAX_IMPORT_BYTES * 25:
        raise ImportRefused("The file is larger than 50 MB: keep only the rows for the DOIs and PMIDs you cite.")
    text = decode(data) if len(data) <= MAX_IMPORT_BYTES else data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not REQUIRED_COLUMNS <= set(reader.fieldnames):
        raise ImportRefused(
            "This is not a Retraction Watch CSV: it needs the columns OriginalPaperDOI, OriginalPaperPubMedID "
            "and RetractionNature."
        )
    return reader


@transaction.atomic
def import_retractions(data: bytes) -> RetractionReport:
    """Flag every reference whose DOI or PMID a "Retraction" row names; other notices are ignored."""
    wanted_doi, wanted_pmid = {}, {}
    report = RetractionReport()
    try:
        for row in read_rows(data):
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows: keep only the ones you need.")
            # Corrections, expressions of concern and reinstatements are not retractions.
            if (row.get("RetractionNature") or "").strip().lower() != "retraction":
                continue
            doi = normalize_doi(row.get("OriginalPaperDOI") or "")
            pmid = pmid_of(row.get("OriginalPaperPubMedID") or "")
            if doi and doi not in ("unavailable", "none"):
                wanted_doi[doi] = row
            if pmid and pmid != "0":
                wanted_pmid[pmid] = row
    except csv.Error as error:
        raise ImportRefused(f"The CSV cannot be read: {error}") from None
    candidates = Reference.objects.select_for_update().filter(doi__in=list(wanted_doi)) | Reference.objects.filter(
        pmid__in=list(wanted_pmid)
    )
    for reference in candidates.distinct():
        row = wanted_doi.get(reference.doi) or wanted_pmid.get(reference.pmid)
        if reference.is_retracted:
            report.already.append(reference)
            continue
        reference.is_retracted = True
        reference.retraction_note = reference.retraction_note or _note(row)
        reference.save(update_fields=["is_retracted", "retraction_note", "updated"])
        report.flagged.append(reference)
    return report
