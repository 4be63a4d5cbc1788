"""Markdown over the limits is refused before rendering, in the admin form and in the live preview."""

import gzip
import json
from pathlib import Path

import pytest

from articles.markdown_limits import MAX_CHARS, markdown_problems
from articles.medquad import answer_to_markdown
from articles.models import Status
from tests.factories import article_admin_data, make_article, make_editor

NESTED_LIST = "".join("    " * level + "- item\n" for level in range(300))
NESTED_40 = "".join("    " * level + "- item\n" for level in range(40))
HOSTILE = {
    "nested list 300 deep": NESTED_LIST,
    "quotes 300 deep": ">" * 300 + " deep\n",
    "[ x 4,000": "[" * 4000,
    "[a]( x 5,000": "[a](" * 5000,
    "[ x 50,000": "[" * 50000,
    "table of 10,000 rows": "| a | b |\n|---|---|\n" + "| x | y |\n" * 10000,
    "too long": "word " * (MAX_CHARS // 5 + 1),
    "citations x 1,000": "[@a] " * 1000,
}


@pytest.mark.once
@pytest.mark.parametrize("name", HOSTILE)
def test_costly_markdown_is_refused_with_a_reason(name):
    """Each input that used to take seconds or raise RecursionError gets a message saying which limit it breaks."""
    problems = markdown_problems(HOSTILE[name])
    assert problems and all("limit" in p or "nested" in p or "open at once" in p for p in problems), problems


@pytest.mark.once
def test_every_medquad_answer_and_ordinary_markdown_pass():
    """The limits leave real answers alone: all 16,407 MedQuAD answers and a typical cited section."""
    path = Path(__file__).resolve().parents[2] / "fixtures" / "medquad" / "medquad.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        refused = [row["answer"][:60] for row in map(json.loads, lines) if markdown_problems(answer_to_markdown(row.get("answer", "")))]
    assert refused == []
    section = "## Treatment\n\n- Levothyroxine daily [@nice2019; @ata2014].\n  - Check TSH (every 6 weeks).\n\n| Test | When |\n|---|---|\n| TSH | 6 weeks |\n"
    assert markdown_problems(section) == []


@pytest.mark.django_db
def test_admin_refuses_a_deeply_nested_list_and_keeps_the_text(client):
    """An editor's save with a list 40 deep is refused with the reason; nothing is saved, the text stays in the form."""
    editor = make_editor("limits-editor")
    article = make_article(status=Status.DRAFT, guidelines="Short text.", author=editor)
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{article.pk}/change/", article_admin_data(article, guidelines=NESTED_40))
    assert response.status_code == 200
    text = response.content.decode()
    assert "nested more than 10 levels deep" in text
    assert "at most 30,000 characters" in text  # the help text states the limits
    article.refresh_from_db()
    assert article.sections.get().body == "Short text."


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nested list 300 deep", "[ x 50,000", "table of 10,000 rows"])
def test_preview_refuses_costly_markdown_quickly(client, name):
    """The live preview answers the limits message instead of rendering (it used to raise or run for minutes)."""
    client.force_login(make_editor(f"preview-{abs(hash(name))}"))
    response = client.post("/markdownx/markdownify/", {"content": HOSTILE[name]})
    assert response.status_code == 200
    assert "Not previewed:" in response.content.decode()


@pytest.mark.django_db
def test_preview_still_renders_ordinary_markdown(client):
    """Within the limits, the preview is the real pipeline's output."""
    client.force_login(make_editor("preview-ok"))
    response = client.post("/markdownx/markdownify/", {"content": "Some **bold** advice [@a]."})
    assert "<strong>bold</strong>" in response.content.decode()
    assert 'href="#ref-1"' in response.content.decode()
