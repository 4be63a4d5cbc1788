"""The admin import as an editor uses it: preview, then save; one source is one reference."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from references.models import Reference
from tests.factories import make_reference, make_user

DATA = Path(__file__).parent / "data"
URL = reverse("admin:references_reference_import")
EDITOR_PERMS = ["references.add_reference", "references.change_reference", "references.view_reference"]


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_user(perms=EDITOR_PERMS))
    return client


def upload(client, name, *, confirm=False, content=None):
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(URL, {"file": SimpleUploadedFile(name, data), "format": ""})


def confirm(client, preview):
    """Press “Import” on the preview page: the text travels in the form, as in the browser."""
    return client.post(URL, {"text": preview.context["records_text"], "format": "", "confirm": "1"}, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_preview_lists_records_and_saves_nothing(editor_client):
    """The preview says what would be created; no reference exists until the editor confirms."""
    response = upload(editor_client, "pubmed-three-records.nbib")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing has been saved yet" in body and body.count("New reference") == 3
    assert "Test J Endocr Oncol" in body and "PubMed marks it retracted" in body
    assert Reference.objects.count() == 0


def test_pubmed_then_ris_of_the_same_papers_gives_one_reference_each(editor_client):
    """PubMed then RIS holding the same papers: matched by DOI and by PMID, never duplicated."""
    confirm(editor_client, upload(editor_client, "pubmed-three-records.nbib"))
    assert Reference.objects.count() == 3
    first = Reference.objects.get(pmid="90000001")
    assert first.authors.startswith("van der Berg JA, Smith JA Jr") and first.pmcid == "PMC9000001"
    assert Reference.objects.get(pmid="90000003").is_retracted

    preview = upload(editor_client, "ris-same-papers.ris")
    body = preview.content.decode()
    assert f"reference {first.pk}</a>" in body and "Matched existing" in body
    response = confirm(editor_client, preview)
    assert Reference.objects.count() == 4  # only the web page is new
    shown = " ".join(messages_of(response))
    assert "Matched existing" in shown and f">reference {first.pk}</a>" in shown
    assert "Created 1 reference." in shown
    first.refresh_from_db()
    assert first.url == "https://example.org/test-journal/2020/001"  # a blank field filled, nothing overwritten
    assert first.authors.endswith("Dupont JP, O'Brien S")


def test_ris_first_then_pubmed_fills_the_pmid_without_a_second_row(editor_client):
    """A RIS record without PMID, then the PubMed record: matched by DOI, PMID added to the same row."""
    confirm(editor_client, upload(editor_client, "ris-same-papers.ris"))
    by_doi = Reference.objects.get(doi="10.5555/test.2020.001")
    assert by_doi.pmid == ""
    confirm(editor_client, upload(editor_client, "pubmed-three-records.nbib"))
    by_doi.refresh_from_db()
    assert by_doi.pmid == "90000001" and by_doi.pmcid == "PMC9000001"
    assert Reference.objects.filter(title__startswith="Test record one").count() == 1


def test_bibtex_matches_a_reference_typed_by_hand_with_a_doi_prefix(editor_client):
    """A reference entered by hand as https://doi.org/10.5555/TEST... is the BibTeX record's match."""
    typed = make_reference(title="Typed by hand", doi="https://doi.org/10.5555/TEST.2020.001")
    preview = upload(editor_client, "bibtex-mixed.bib")
    assert f"reference {typed.pk}</a>" in preview.content.decode()
    confirm(editor_client, preview)
    assert Reference.objects.count() == 3
    assert Reference.objects.get(pk=typed.pk).title == "Typed by hand"  # matched, not overwritten


def test_same_paper_twice_in_one_file_is_imported_once(editor_client):
    """Two records with one DOI in a single paste make one reference."""
    text = (DATA / "ris-same-papers.ris").read_text()
    first_record = text.split("\n\n")[0] + "\n\n"
    preview = editor_client.post(URL, {"text": first_record * 2, "format": "ris"})
    assert "Same paper as record 1" in preview.content.decode()
    confirm(editor_client, preview)
    assert Reference.objects.count() == 1


BAD_FILES = [
    ("binary.nbib", bytes(range(256)) * 8, "not text"),
    ("truncated.nbib", (DATA / "pubmed-three-records.nbib").read_bytes()[:700], "cut short"),
    ("truncated.ris", (DATA / "ris-same-papers.ris").read_bytes()[:400], "cut short"),
    ("huge.nbib", b"PMID- 1\n" + b"x" * (10 * 1024 * 1024), "10.0 MB; the limit is 2 MB"),
    ("notes.txt", "Some notes about NETs, not references.".encode(), "is not a PubMed"),
    ("unclosed.bib", b"@article{a,\n  title = {Fine},\n  year = 2020}\n@article{b,\n  title = {Unclosed,\n  year = 2021\n}\n", "unclosed brace"),
    ("latin1.ris", "TY  - JOUR\nTI  - Caf\u00e9\nER  - \n".encode("cp1252") + b"\x81\x8d", "not UTF-8"),
    ("empty.ris", b"", "Choose a file or paste"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_get_a_clear_message_and_save_nothing(editor_client, name, content, message):
    """Binary, truncated, 10 MB, wrong-format and broken files: a 400 saying why, nothing saved."""
    response = upload(editor_client, name, content=content)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Nothing has been saved yet" not in body
    assert Reference.objects.count() == 0


def test_confirm_with_tampered_text_is_refused_and_saves_nothing(editor_client):
    """The confirm step re-reads the text: broken text posted there is refused like an upload."""
    response = editor_client.post(URL, {"text": "@article{x, title={oops", "format": "", "confirm": "1"})
    assert response.status_code == 400 and Reference.objects.count() == 0


def test_import_needs_the_right_to_add_references(client, db):
    """Staff without “add reference” cannot import."""
    client.force_login(make_user(perms=["references.view_reference"]))
    assert client.get(URL).status_code == 403


def test_duplicate_doi_typed_in_the_admin_names_and_links_the_existing_reference(editor_client):
    """Typing a DOI another reference holds is refused with a link to that reference."""
    existing = make_reference(title="The original", doi="10.5555/test.dup")
    response = editor_client.post(
        reverse("admin:references_reference_add"),
        {"kind": "study", "title": "A second copy", "doi": "https://doi.org/10.5555/TEST.DUP", "pmid": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "DOI is already" in body and reverse("admin:references_reference_change", args=[existing.pk]) in body
    assert Reference.objects.count() == 1


def test_the_change_list_offers_the_import(editor_client):
    """Editors find the import on the references list."""
    body = editor_client.get(reverse("admin:references_reference_changelist")).content.decode()
    assert URL in body and "Import PubMed / RIS / BibTeX" in body


def test_hostile_records_stay_inert_in_the_preview_and_the_saved_references(editor_client, xss_payloads):
    """Every XSS payload as a title, author and journal reaches the preview and the list only as text."""
    from bs4 import BeautifulSoup

    from tests.inert import active_content

    usable = [p for p in xss_payloads if p.strip() and not any(ord(c) < 32 for c in p)]
    for start in range(0, len(usable), 500):
        batch = usable[start : start + 500]
        ris = "".join(
            f"TY  - JOUR\nTI  - {p}\nAU  - {p[:80]}, X\nJO  - {p[:250]}\nUR  - https://example.org/{n}\nER  - \n\n"
            for n, p in enumerate(batch)
        )
        response = editor_client.post(URL, {"text": ris, "format": "ris"})
        assert response.status_code in (200, 400)
        table = BeautifulSoup(response.content, "html5lib").select_one(".reference-import__preview")
        if response.status_code == 200:
            assert active_content(str(table)) == []
            assert confirm(editor_client, response).status_code == 200
    assert Reference.objects.count() > 0
    for reference in Reference.objects.all():
        assert active_content(str(reference.to_ama_html())) == []


def test_a_record_the_model_would_refuse_is_named_and_nothing_is_saved(editor_client):
    """A javascript: address or an over-long PMCID is refused at the preview, with the record's number."""
    ris = "TY  - JOUR\nTI  - Fine\nER  - \n\nTY  - JOUR\nTI  - Bad link\nUR  - https://exa mple.org/\"><script>\nER  - \n"
    response = editor_client.post(URL, {"text": ris, "format": ""})
    assert response.status_code == 400 and "Record 2" in response.content.decode()
    assert Reference.objects.count() == 0


def test_pubmed_retraction_flags_a_matching_reference_too(editor_client):
    """A paper already entered by hand is flagged when its PubMed record says “Retracted Publication”."""
    typed = make_reference(title="Typed review", doi="10.5555/test.2019.003")
    confirm(editor_client, upload(editor_client, "pubmed-three-records.nbib"))
    typed.refresh_from_db()
    assert typed.is_retracted and "Retracted Publication" in typed.retraction_note
    assert typed.title == "Typed review" and typed.pmid == "90000003"
