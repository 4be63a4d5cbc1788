"""The three import formats, read from hand-written samples of real exports."""

from pathlib import Path

import pytest

from references.importing import ImportRefused, full_pages, name_from_inverted, parse

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.once


def records(name):
    return parse((DATA / name).read_text(encoding="utf-8"))


def test_pubmed_export_gives_ama_authors_journal_locators_and_identifiers():
    """A PubMed .nbib record becomes the fields an AMA reference needs, identifiers normalised."""
    fmt, (first, second, third) = records("pubmed-three-records.nbib")
    assert fmt == "pubmed"
    assert first["authors"] == "van der Berg JA, Smith JA Jr, Müller J, Østergaard Å, Nguyễn TM, Dupont JP, O'Brien S"
    assert first["title"].startswith("Test record one: somatostatin analogues for well-differentiated neuroendocrine tumours")
    assert (first["container"], first["year"], first["volume"], first["issue"]) == ("Test J Endocr Oncol", 2020, "12", "3")
    assert first["pages"] == "123-130"  # PubMed's 123-30 in full, as AMA prints it
    assert (first["doi"], first["pmid"], first["pmcid"]) == ("10.5555/test.2020.001", "90000001", "PMC9000001")
    assert first["kind"] == "study"


def test_pubmed_group_author_missing_fields_and_publication_types():
    """A group author is kept whole, absent fields stay blank, guideline and retraction come from PT."""
    _, (_, second, third) = records("pubmed-three-records.nbib")
    assert second["authors"] == "Test Guideline Panel"
    assert (second["issue"], second["doi"], second["pages"], second["kind"]) == ("", "", "e1004", "guideline")
    assert third["authors"] == "García-López MJ, de la Cruz P"
    assert third["kind"] == "review" and third["is_retracted"] is True


def test_ris_names_with_particles_suffixes_and_hyphens_in_ama_form():
    """RIS “Last, First, Suffix” names become AMA names; the DOI loses its resolver prefix and case."""
    fmt, (first, second, third) = records("ris-same-papers.ris")
    assert fmt == "ris"
    assert first["authors"] == "van der Berg JA, Smith JA Jr, Müller J, Østergaard Å, Nguyễn TM, Dupont J-P, O'Brien S"
    assert first["doi"] == "10.5555/test.2020.001" and first["pmid"] == ""
    assert first["pages"] == "123-130" and first["url"] == "https://example.org/test-journal/2020/001"
    assert second["pmid"] == "90000002"  # DB PubMed + AN
    assert (third["kind"], third["authors"], third["year"], third["url"]) == ("other", "", 2022, "https://example.org/test-page")


def test_bibtex_latex_accents_group_authors_and_entry_types():
    """BibTeX accents are decoded, {{Group}} authors stay whole, @misc is not filed as a study."""
    fmt, (first, second, third) = records("bibtex-mixed.bib")
    assert fmt == "bibtex"
    assert first["authors"] == "van der Berg JA, Smith JA Jr, Müller J, Østergaard Å, Nguyễn TM, Dupont J-P, O'Brien S"
    assert first["pages"] == "123-130" and first["doi"] == "10.5555/test.2020.001"
    assert (second["authors"], second["title"], second["container"]) == (
        "Test Guideline Panel", "Test record five: NET follow-up guideline", "Test Society of Oncology")
    assert second["kind"] == "other"
    assert (third["authors"], third["volume"], third["pages"]) == ("García A", "", "")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("van der Berg, Jan Albert", "van der Berg JA"),
        ("Smith, John A., Jr.", "Smith JA Jr"),
        ("Smith, John A Jr", "Smith JA Jr"),
        ("Dupont, Jean-Pierre", "Dupont J-P"),
        ("Østergaard, Åse", "Østergaard Å"),
        ("NCCN Neuroendocrine Tumors Panel", "NCCN Neuroendocrine Tumors Panel"),
    ],
)
def test_inverted_names_in_ama_form(name, expected):
    """Each way reference managers write a name gives the AMA form."""
    assert name_from_inverted(name) == expected


@pytest.mark.parametrize("pages, expected", [("123-30", "123-130"), ("1520-5", "1520-1525"), ("e1004", "e1004"), ("S12-9", "S12-S19"), ("12--19", "12-19")])
def test_page_ranges_in_full(pages, expected):
    """AMA prints page ranges in full."""
    assert full_pages(pages) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("just some words\nnot a reference file", "is not a PubMed"),
        ('{"doi": "10.5555/x"}', "not a PubMed"),
        ("TY  - JOUR\nTI  - Cut short\nAU  - Smith, J\n", "cut short"),
        ("PMID- 90000009\nTI  - Cut short\nAU  - Smith J\n", "cut short"),
        ("@article{x,\n  title = {Unclosed brace,\n  year = 2020\n}\n", "unclosed brace"),
        ("TY  - JOUR\nAU  - Smith, J\nER  - \n", "has no title"),
        ("TY  - JOUR\nTI  - A title\nDO  - not-a-doi\nER  - \n", "is not a DOI"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(text, message):
    """Empty, wrong-format, truncated and malformed files are refused with a message saying why."""
    with pytest.raises(ImportRefused, match=message):
        parse(text)


def test_chosen_format_must_match_the_file():
    """An editor who picks RIS for a BibTeX file is told what the file is."""
    with pytest.raises(ImportRefused, match="looks like BibTeX"):
        parse((DATA / "bibtex-mixed.bib").read_text(), "ris")
