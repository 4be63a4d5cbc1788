"""Importing MedQuAD: NIH answers become Submitted articles that credit their source."""

import gzip
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command

from articles.medquad import answer_to_markdown
from articles.models import Article, ArticleRevision, Status
from references.models import Reference
from tests.rendering import markdown_to_html

pytestmark = pytest.mark.django_db

MEDQUAD = Path(__file__).resolve().parents[2] / "fixtures" / "medquad" / "medquad.jsonl.gz"


def real_rows(count=None, where=None):
    """Rows of the real MedQuAD file, the first `count` or those matching `where`."""
    rows = []
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if where is None or where(row):
                rows.append(row)
            if count and len(rows) >= count:
                break
    return rows


def write_jsonl(tmp_path, lines, name="pairs.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def run_import(path, *args):
    """Run the command; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_medquad", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_each_pair_becomes_a_submitted_article_crediting_medquad_and_its_nih_page(tmp_path, client):
    """A reader sees the NIH answer under "From <source>", pending review, with both sources cited."""
    row = real_rows(2)[1]  # CancerGov: symptoms of adult ALL, with a list
    run_import(write_jsonl(tmp_path, [row]))
    article = Article.objects.get(external_id=f"medquad:CancerGov:{row['qid']}")
    assert article.status == Status.SUBMITTED
    assert article.question == "What are the symptoms of Adult Acute Lymphoblastic Leukemia?"
    assert article.topic.name == "Adult Acute Lymphoblastic Leukemia"
    assert "MedQuAD" in article.credit and row["url"] in article.credit

    html = client.get(article.get_absolute_url()).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h2", string=lambda s: s and "From the National Cancer Institute" in s)
    items = [li.get_text(strip=True) for li in soup.select("section ul li")]
    assert "Weakness or feeling tired." in items and "Having many infections." in items
    assert "pending human review" in html
    references = " ".join(li.get_text(" ", strip=True) for li in soup.select("#references li, .references li"))
    assert row["url"] in references
    assert "question-entailment approach" in references
    # One shared row credits MedQuAD, one row per NIH page.
    assert Reference.objects.filter(title__icontains="question-entailment").count() == 1
    assert Reference.objects.filter(url=row["url"]).count() == 1


def test_rerunning_updates_in_place_and_makes_a_revision_only_when_the_answer_changed(tmp_path):
    """Importing twice never duplicates; a changed answer becomes a new revision of the same article."""
    rows = real_rows(5)
    path = write_jsonl(tmp_path, rows)
    out, _ = run_import(path)
    assert "5 articles created" in out
    slugs = set(Article.objects.values_list("slug", flat=True))

    out, _ = run_import(path)
    assert "5 unchanged" in out
    assert Article.objects.count() == 5 and ArticleRevision.objects.count() == 5
    assert set(Article.objects.values_list("slug", flat=True)) == slugs

    rows[2]["answer"] = "A corrected answer from the NIH page."
    out, _ = run_import(write_jsonl(tmp_path, rows))
    assert "1 updated" in out and "4 unchanged" in out
    article = Article.objects.get(external_id=f"medquad:{rows[2]['source']}:{rows[2]['qid']}")
    assert article.current_revision.number == 2
    assert "A corrected answer from the NIH page." in article.current_revision.plain_text
    assert Article.objects.count() == 5


def test_limit_imports_only_the_first_lines(tmp_path):
    """--limit N imports the first N pairs of the file."""
    rows = real_rows(6)
    out, _ = run_import(write_jsonl(tmp_path, rows), "--limit", "3")
    assert "Read 3 lines" in out
    assert sorted(Article.objects.values_list("external_id", flat=True)) == sorted(
        f"medquad:{row['source']}:{row['qid']}" for row in rows[:3]
    )


def test_malformed_lines_are_reported_with_their_line_number_and_skipped(tmp_path):
    """A broken line does not stop the import: the others are imported and the line is named."""
    good = real_rows(2)
    missing_answer = {**good[0], "qid": "x-1", "answer": ""}
    path = write_jsonl(tmp_path, [good[0], "{not json", missing_answer, "[1, 2]", good[1]])
    out, err = run_import(path)
    assert "2 articles created" in out and "3 lines skipped" in out
    assert "line 2: skipped: not valid JSON" in err
    assert "line 3: skipped: missing or empty field(s): answer" in err
    assert "line 4: skipped: not a JSON object" in err
    assert Article.objects.count() == 2


def test_a_file_where_every_line_fails_is_an_error(tmp_path):
    """Nothing importable: the command fails (non-zero exit) instead of reporting success."""
    path = write_jsonl(tmp_path, ["{oops", '{"source": "GHR"}'])
    with pytest.raises(CommandError, match="Every line failed"):
        run_import(path)
    assert not Article.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "nowhere.jsonl")


def test_gzipped_file_imports(tmp_path):
    """The real file is gzipped; any gzipped copy works the same."""
    path = tmp_path / "pairs.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for row in real_rows(3):
            out.write(json.dumps(row) + "\n")
    out, _ = run_import(path)
    assert "3 articles created" in out


def test_a_qid_medquad_reuses_for_another_question_stays_a_separate_article(tmp_path):
    """MedQuAD reuses some CancerGov qids for different questions: each question keeps its article."""
    rows = real_rows(where=lambda row: row["source"] == "CancerGov" and row["qid"] == "0000013_2-1")
    assert len({row["question"] for row in rows}) == len(rows) > 1
    run_import(write_jsonl(tmp_path, rows))
    run_import(write_jsonl(tmp_path, rows))
    assert Article.objects.count() == len(rows)
    assert sorted(Article.objects.values_list("question", flat=True)) == sorted(
        row["question"].replace(" ?", "?").replace("What is (are)", "What is") for row in rows
    )


def test_same_question_from_two_sources_gets_two_addresses(tmp_path):
    """Identical questions from different NIH sources both import, each at its own slug."""
    first, second = real_rows(2)
    second = {**first, "source": "GHR", "qid": "0000001-1", "url": "https://ghr.nlm.nih.gov/condition/x"}
    run_import(write_jsonl(tmp_path, [first, second]))
    slugs = list(Article.objects.order_by("id").values_list("slug", flat=True))
    assert len(set(slugs)) == 2 and slugs[1].startswith(slugs[0])


def test_nested_lists_are_restored_from_real_cancergov_text():
    """A sub-list after a colon becomes a nested list, and the outer list continues after it."""
    row = real_rows(11)[10]
    soup = BeautifulSoup(markdown_to_html(answer_to_markdown(row["answer"])), "html.parser")
    outer = soup.find("ul")
    top = [li.find(string=True, recursive=False).strip() for li in outer.find_all("li", recursive=False)]
    assert top[0].startswith("Physical exam and history: An exam of the body")
    assert top[1].startswith("Complete blood count (CBC)") and top[2].startswith("Peripheral blood smear")
    nested = [li.get_text() for li in outer.find_all("li", recursive=False)[1].select("ul li")]
    assert nested[0] == "The number of red blood cells, white blood cells, and platelets."
    assert len(nested) == 3


def test_a_list_ends_where_the_next_paragraph_starts_in_real_ghr_text():
    """GHR's two lists with a sentence between them stay two lists and a paragraph."""
    (row,) = real_rows(
        1, where=lambda r: r["source"] == "GHR" and "palmoplantar keratoderma with deafness:" in r["answer"] and "resources" in r["answer"]
    )
    soup = BeautifulSoup(markdown_to_html(answer_to_markdown(row["answer"])), "html.parser")
    lists = soup.find_all("ul")
    assert len(lists) == 2
    assert [p.get_text()[:27] for p in soup.find_all("p")][1] == "These resources from Medlin"
    assert lists[1].find_all("li")[-1].get_text() == "Palliative Care"


def test_dash_without_space_starts_an_item_in_real_gard_text():
    """GARD writes "-Item": still a list item, without the dash."""
    (row,) = real_rows(1, where=lambda r: r["source"] == "GARD" and "glutaric acidemia type II be treated" in r["answer"])
    soup = BeautifulSoup(markdown_to_html(answer_to_markdown(row["answer"])), "html.parser")
    items = [li.get_text() for li in soup.select("ul li")]
    assert items[0].startswith("Avoidance of fasting.")
    assert all(not item.startswith("-") for item in items)


def test_markup_in_source_text_stays_literal():
    """Source text is plain: asterisks, brackets and tags are shown, not interpreted."""
    html = markdown_to_html(answer_to_markdown("Use *only* [this] <b>dose</b> daily.  - 1. first  - #2"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("p").get_text() == "Use *only* [this] <b>dose</b> daily."
    assert [li.get_text() for li in soup.select("li")] == ["1. first", "#2"]
    assert not soup.find("b") and not soup.find("em")


def test_imported_revisions_equal_what_an_editors_save_makes(tmp_path):
    """The bulk import stores exactly what an editor's save would: same hash, HTML, reading levels, text."""
    from articles.revisions import build_revision

    rows = real_rows(where=lambda r: r["source"] in ("CancerGov", "GHR", "NIDDK", "CDC", "GARD"))[::97][:40]
    run_import(write_jsonl(tmp_path, rows))
    imported = {a.pk: a.current_revision for a in Article.objects.select_related("current_revision")}
    for article in Article.objects.all():
        article.current_revision = None  # as if never saved: build_revision renders afresh
        revision = build_revision(article)
        expected = imported[article.pk]
        assert revision.content_hash == expected.content_hash
        assert revision.rendered == expected.rendered
        assert revision.reading_levels == expected.reading_levels
        assert revision.plain_text == expected.plain_text


@pytest.mark.django_db(transaction=True)
def test_import_with_worker_processes_gives_the_same_articles(tmp_path):
    """The fast path (several chunks rendered by worker processes while the next is written) loses nothing."""
    rows = real_rows(13)
    path = write_jsonl(tmp_path, rows)
    out, _ = run_import(path, "--chunk-size", "4", "--workers", "2")
    assert "13 articles created" in out
    assert ArticleRevision.objects.count() == 13
    assert all(article.current_revision.has_answer for article in Article.objects.select_related("current_revision"))
    out, _ = run_import(path, "--chunk-size", "4", "--workers", "2")
    assert "13 unchanged" in out and Article.objects.count() == 13
