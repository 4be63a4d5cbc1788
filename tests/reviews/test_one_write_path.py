"""One write path: only reviews.services writes the workflow fields, every article has a creation event,
and a re-import goes through the same review rule as an editor's edit."""

import ast
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import PUBLISHED_FIELDS, WORKFLOW_FIELDS, Article, Status
from reviews.models import ReviewEvent
from tests.factories import approve_current, edit_article, make_article, make_editor, make_reviewer

ROOT = Path(__file__).resolve().parents[2]
APPS = ["articles", "references", "reviews", "qa_site"]
# The only modules allowed to write each group of fields.
WRITERS = {"reviews/services.py": set(WORKFLOW_FIELDS), "articles/publishing.py": set(PUBLISHED_FIELDS)}
PROTECTED = {*WORKFLOW_FIELDS, *PUBLISHED_FIELDS}
PROTECTED |= {f"{name}_id" for name in PROTECTED}
WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_update", "filter_update"}


def writes_in(tree):
    """(line, field) for each write of a protected field: attribute assignment, keyword of a write
    call (or its `defaults`), a field list given to bulk_update, or a key of a dict splatted into one."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Attribute) and element.attr in PROTECTED:
                        found.append((node.lineno, element.attr))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            values = list(node.args) if node.func.attr == "bulk_update" else []
            for keyword in node.keywords:
                if keyword.arg in PROTECTED:
                    found.append((node.lineno, keyword.arg))
                if keyword.arg in (None, "defaults", "fields"):
                    values.append(keyword.value)
            for value in values:
                for element in ast.walk(value):
                    if isinstance(element, ast.Constant) and element.value in PROTECTED:
                        found.append((node.lineno, element.value))
    return found


def test_only_the_services_write_the_workflow_fields_and_only_publishing_the_published_copy():
    """Grep the code's syntax trees: no other module writes status, revision pointers or review fields."""
    offences = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            allowed = WRITERS.get(relative, set())
            allowed |= {f"{name}_id" for name in allowed}
            for line, field in writes_in(ast.parse(path.read_text(encoding="utf-8"))):
                if field not in allowed:
                    offences.append(f"{relative}:{line} writes {field}")
    assert offences == []


def test_the_guard_finds_a_write_when_there_is_one():
    """The syntax check above is not blind: each form of write is caught."""
    sample = """
article.status = "approved"
Article.objects.filter(pk=1).update(live_revision=revision)
Article.objects.bulk_update(rows, ["current_revision"])
Article.objects.update_or_create(slug="x", defaults={"status": "draft"})
Article.objects.filter(pk=1).update(**{"next_review_due": day})
"""
    assert sorted(writes_in(ast.parse(sample))) == [
        (2, "status"), (3, "live_revision"), (4, "current_revision"), (5, "status"), (6, "next_review_due"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_article_save_never_writes_the_workflow_fields():
    """Saving an article's working copy leaves status and revision pointers as the services wrote them."""
    article = make_article(guidelines="Text.")
    article.status = Status.APPROVED
    article.live_revision = article.current_revision
    article.question = "A reworded question?"
    article.save()
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.live_revision, stored.question) == (Status.SUBMITTED, None, "A reworded question?")
    with pytest.raises(ValueError, match="reviews.services"):
        article.save(update_fields=["status"])
    with pytest.raises(ValueError, match="reviews.services"):
        Article(question="Born approved?", slug="born-approved", status=Status.APPROVED).save()


@pytest.mark.django_db
def test_every_article_has_a_creation_event_naming_who_or_what_created_it(demo_content):
    """The demo loader's and the import's articles say so; an editor's says who."""
    editor = make_editor("jo")
    mine = make_article(status=Status.DRAFT, guidelines="Text.", author=editor)
    created = dict(ReviewEvent.objects.filter(action=ReviewEvent.Action.CREATE).values_list("article_id", "origin"))
    assert set(created) == set(Article.objects.values_list("pk", flat=True))
    assert set(created.values()) == {"", "Demo content loader", "MedQuAD import"}
    event = ReviewEvent.objects.get(article=mine, action=ReviewEvent.Action.CREATE)
    assert (event.actor, event.actor_name, event.to_status) == (editor, "jo", Status.DRAFT)
    seed = Article.objects.get(slug="what-is-the-likely-cause-of-neuroendocrine-tumors-nets")
    assert [(e.action, e.origin, e.to_status) for e in seed.review_events.all()] == [
        ("create", "Demo content loader", Status.SUBMITTED)
    ]


def import_rows(tmp_path, rows):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_medquad", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


ROW = {
    "document_id": "0000999", "source": "GHR", "url": "https://ghr.nlm.nih.gov/condition/example-condition",
    "focus": "Example condition", "qid": "0000999-1", "qtype": "information",
    "question": "What is (are) Example condition ?", "answer": "Example condition is a test answer about urate.",
}  # fmt: skip


@pytest.mark.django_db
def test_a_re_import_over_an_approved_article_waits_for_review(tmp_path, client):
    """Readers keep the approved NIH text; the new text is an update pending review; approval shows it."""
    import_rows(tmp_path, [ROW])
    article = Article.objects.get(external_id="medquad:GHR:0000999-1")
    approve_current(article)
    out = import_rows(tmp_path, [{**ROW, "answer": "Example condition is a rewritten answer about purines."}])
    assert "1 updated" in out
    article = Article.objects.get(pk=article.pk)
    assert article.status == Status.SUBMITTED and article.update_under_review
    events = list(article.review_events.all())[-2:]
    assert [(e.action, e.origin, e.from_status, e.to_status) for e in events] == [
        ("edit", "MedQuAD import", Status.APPROVED, Status.DRAFT),
        ("submit", "MedQuAD import", Status.DRAFT, Status.SUBMITTED),
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "test answer about urate" in page and "purines" not in page
    assert "An update to this article is under review" in page
    assert article.get_absolute_url() not in client.get("/search/?q=purines").content.decode()

    approve_current(article)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "rewritten answer about purines" in page and "urate" not in page


@pytest.mark.django_db
def test_a_re_import_keeps_an_editors_changes(tmp_path):
    """An article an editor changed after the import is left as the editor made it, and the import says so."""
    import_rows(tmp_path, [ROW])
    article = Article.objects.get(external_id="medquad:GHR:0000999-1")
    edit_article(article, user=make_editor(), summary="An editor's careful summary.")
    out = import_rows(tmp_path, [{**ROW, "answer": "A changed NIH answer."}])
    assert "kept editor changes: 1" in out
    article = Article.objects.get(pk=article.pk)
    assert article.summary == "An editor's careful summary."
    assert "A changed NIH answer." not in json.dumps(article.current_revision.source)


@pytest.mark.django_db
def test_the_admin_offers_exactly_the_moves_the_services_allow():
    """One rule table: every button the admin shows is a move the service accepts, and no other."""
    from reviews import permissions

    editor, reviewer = make_editor(), make_reviewer()
    for status in (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED):
        article = make_article(status=status, guidelines="Text.", author=editor)
        for user in (editor, reviewer):
            offered = {rule.name for rule in permissions.allowed_moves(user, article)}
            accepted = {name for name in permissions.MOVES if permissions.refusal(user, name, article, comment="ok") is None}
            assert offered == accepted


@pytest.mark.django_db
def test_topic_and_demo_label_are_content_that_goes_through_review(client):
    """Removing the demo label or moving the topic of an approved page waits for a reviewer, who sees it in the diff."""
    from tests.factories import make_topic

    editor, reviewer = make_editor(), make_reviewer()
    article = make_article(status=Status.APPROVED, guidelines="Text.", is_demo=True, topic=make_topic("Gout"))
    saved = edit_article(article, user=editor, is_demo=False, topic=make_topic("Kidney stones"))
    assert saved.created and saved.article.status == Status.DRAFT
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Demo content" in page and "Gout" in page and "Kidney stones" not in page

    from reviews.diffs import revision_diff

    rows = revision_diff(saved.article.live_revision, saved.revision)
    changed = {"".join(text for _, text in row["segments"]) for row in rows if row["kind"] in ("added", "removed")}
    assert {"Topic: Gout", "Topic: Kidney stones", "Demo content label: shown", "Demo content label: not shown"} <= changed
    approve_current(article)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Demo content" not in page and "Kidney stones" in page


def test_a_citation_key_the_pipeline_cannot_read_is_refused_when_attached():
    """One grammar: a key ending in punctuation would show as literal text, so the form refuses it."""
    from django.core.exceptions import ValidationError

    from articles.models import CITATION_KEY_VALIDATOR
    from articles.pipeline import cited_keys

    for key in ("nccn2018-", "who.2020:", "-x"):
        with pytest.raises(ValidationError):
            CITATION_KEY_VALIDATOR(key)
        assert cited_keys(f"Text [@{key}].") != [key]
    for key in ("nccn2018", "who.2020:b", "smith_2019"):
        CITATION_KEY_VALIDATOR(key)
        assert cited_keys(f"Text [@{key}].") == [key]
