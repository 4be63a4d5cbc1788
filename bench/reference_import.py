"""Reference import and retraction CSV speed, on synthetic test records (no network, a throw-away SQLite).

Usage: python bench/reference_import.py  -> JSON on stdout.
Times: parsing + matching (the preview) and saving of a 500-record PubMed export and of the same
papers as RIS (all matched); streaming a 60,000-row Retraction Watch CSV against 1,000 references.
"""

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "qa_site.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='qa-bench-refs-')}/bench.sqlite3"


def pubmed(n):
    """n MEDLINE records (fictional: DOI prefix 10.5555, PMIDs 9xxxxxxx), seven authors each."""
    authors = "".join(f"FAU - Author{a}, Given Name\nAU  - Author{a} GN\n" for a in range(7))
    return "\n".join(
        f"PMID- {90000000 + i}\nTI  - Test record {i}: a synthetic trial.\nDP  - 2020 Mar\nVI  - 12\nIP  - 3\n"
        f"PG  - 123-30\nLID - 10.5555/bench.{i} [doi]\n{authors}PT  - Journal Article\nTA  - Test J\n"
        f"SO  - Test J. 2020;12(3):123-30.\n"
        for i in range(n)
    )


def ris(n):
    return "\n".join(
        f"TY  - JOUR\nAU  - Author0, Given\nTI  - Test record {i}: a synthetic trial\nJO  - Test J\nPY  - 2020\n"
        f"DO  - https://doi.org/10.5555/BENCH.{i}\nER  - \n"
        for i in range(n)
    )


def retraction_csv(rows):
    header = "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes,\n"
    body = "".join(
        f'{i},"Title {i}",(HSC) Medicine;,"Institute;",J,P,Land,A Author,,Research Article;,8/7/2024 0:00,10.5555/notice.{i},0,'
        f"1/1/2020 0:00,10.5555/bench.{i * 60},0,{'Retraction' if i % 3 else 'Correction'},+Error;,No,,\n"
        for i in range(rows)
    )
    return (header + body).encode()


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, round(time.perf_counter() - start, 3)


def main():
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from references import importing, retractions

    results = {}
    text = pubmed(500)
    (_, plan), results["pubmed_500_preview_s"] = timed(lambda: importing.plan_import(text))
    _, results["pubmed_500_save_s"] = timed(lambda: importing.apply_plan(plan))
    text = ris(500)
    (_, plan), results["ris_500_all_matched_preview_s"] = timed(lambda: importing.plan_import(text))
    assert all(item.action == "match" for item in plan)
    importing.apply_plan(importing.plan_import(pubmed(1000)[len(pubmed(500)) + 1 :])[1])  # records 500-999: 1,000 in all
    data = retraction_csv(60_000)
    upload = SimpleUploadedFile("rw.csv", data)
    report, results["retraction_csv_60000_rows_s"] = timed(lambda: retractions.import_retractions(upload))
    results["retraction_csv_mb"] = round(len(data) / 1024 / 1024, 1)
    results["retraction_flagged"] = len(report.flagged)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
