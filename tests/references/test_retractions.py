"""Retraction flags: set by an editor or from a Retraction Watch CSV the editor supplies."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from references.models import Reference
from tests.factories import make_reference, make_user

DATA = Path(__file__).parent / "data"
URL = reverse("admin:references_reference_import_retractions")
pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(perms=["references.change_reference", "references.view_reference"]))
    return client


def post_csv(client, content, name="retraction_watch.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_csv_flags_retracted_papers_by_doi_and_pmid_only(editor_client):
    """Rows of nature “Retraction” flag the references with that DOI or PMID; concerns do not."""
    by_doi = make_reference(title="Cited trial", doi="10.5555/test.2020.001")
    by_pmid = make_reference(title="Cited guideline", pmid="90000002")
    concern = make_reference(title="Concern only", doi="10.5555/test.2019.003", pmid="90000003")
    untouched = make_reference(title="Fine paper", doi="10.5555/test.fine")
    response = post_csv(editor_client, (DATA / "retraction-watch-sample.csv").read_bytes())
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Read 4 rows: 2 references newly flagged as retracted, 0 already flagged." in shown
    flagged = {r.title: (r.is_retracted, r.retraction_note) for r in Reference.objects.all()}
    assert flagged["Cited trial"] == (True, "Retraction Watch, notice doi:10.5555/test.notice.001, 8/7/2024")
    assert flagged["Cited guideline"] == (True, "Retraction Watch, 1/2/2025")
    assert flagged["Concern only"][0] is False and flagged["Fine paper"][0] is False
    assert {by_doi.pk, by_pmid.pk} == set(Reference.objects.filter(is_retracted=True).values_list("pk", flat=True))
    assert concern.pk and untouched.pk


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Title,DOI\nA paper,10.5555/x\n", "not a Retraction Watch CSV"),
        (bytes(range(256)) * 4, "not text"),
        (b"", "The submitted file is empty"),
    ],
)
def test_wrong_files_are_refused_and_flag_nothing(editor_client, content, message):
    """A CSV without Retraction Watch's columns, a binary or an empty file: a 400 saying why."""
    make_reference(title="Cited trial", doi="10.5555/test.2020.001")
    response = post_csv(editor_client, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Reference.objects.filter(is_retracted=True).exists()


def test_reference_page_in_the_admin_lets_an_editor_flag_a_retraction(editor_client):
    """The flag and where the retraction is recorded are fields an editor sets by hand."""
    reference = make_reference(title="Hand flagged", doi="10.5555/test.hand")
    response = editor_client.post(
        reverse("admin:references_reference_change", args=[reference.pk]),
        {"kind": "study", "title": "Hand flagged", "doi": "10.5555/test.hand", "is_retracted": "on",
         "retraction_note": "Retraction notice in the journal, 2025"},
    )  # fmt: skip
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.is_retracted and reference.retraction_note == "Retraction notice in the journal, 2025"
