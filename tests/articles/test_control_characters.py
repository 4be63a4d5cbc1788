"""Editors, board members and readers see a clear refusal for control characters; older rows are cleaned."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps

from articles.models import AnswerSection, Article, FollowUpQuestion, Topic
from references.models import Reference
from reviews.models import BoardMember
from tests.factories import article_admin_data, make_approved_article, make_article, make_reference, make_user

pytestmark = pytest.mark.django_db

MESSAGE = "Remove the invisible control character U+0001"


@pytest.fixture
def editor(client):
    client.force_login(make_user("text-editor", superuser=True))


def errors(response):
    """The error messages the admin shows beside the fields."""
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(item.get_text(" ") for item in soup.select(".errorlist li"))


@pytest.mark.parametrize("field", ["question", "summary", "credit"])
def test_article_form_refuses_control_characters_and_keeps_the_text(client, editor, field):
    """A pasted U+0001 in the question, summary or credit is refused and nothing changes."""
    article = make_article("How is it treated?", guidelines="Text.", summary="Short answer.", credit="CC BY")
    data = article_admin_data(article, **{field: "Pasted\x01 text"})
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert MESSAGE in errors(response)
    article.refresh_from_db()
    assert (article.question, article.summary, article.credit) == ("How is it treated?", "Short answer.", "CC BY")
    assert article.revisions.count() == 1


def test_section_text_refuses_control_characters(client, editor):
    article = make_article("How is it diagnosed?", guidelines="Old text.")
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", article_admin_data(article, guidelines="New\x1b[31m text.")
    )
    assert response.status_code == 200
    assert "U+001B" in errors(response)
    assert AnswerSection.objects.get(article=article).body == "Old text."


@pytest.mark.parametrize(
    "url, data, model",
    [
        ("/admin/articles/topic/add/", {"name": "Onco\x01logy", "slug": "oncology", "description": ""}, Topic),
        (
            "/admin/references/reference/add/",
            {"kind": "other", "title": "A\x01 title", "authors": "Smith AB", "container": "", "year": "", "volume": "",
             "issue": "", "pages": "", "doi": "", "pmid": "", "url": "", "accessed": ""},
            Reference,
        ),
        (
            "/admin/reviews/boardmember/add/",
            {"name": "Jane\x01 Doe", "credentials": "MD", "specialty": "", "bio": "", "is_active": "on", "position": "0", "user": ""},
            BoardMember,
        ),
    ],
    ids=["topic", "reference", "board member"],
)
def test_admin_forms_refuse_control_characters(client, editor, url, data, model):
    """Topics, references and board members: refused with the message, nothing saved."""
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE in errors(response)
    assert model.objects.count() == 0


def test_follow_up_with_a_control_character_is_refused_with_the_text_kept(client):
    article = make_approved_article("What causes migraine?", guidelines="Triggers.")
    response = client.post(f"/articles/{article.slug}/follow-up/", {"text": "Is it\x01 genetic, doctor?", "website": ""}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE in html
    kept = BeautifulSoup(html, "html.parser").find("textarea").get_text()
    assert kept.startswith("Is it") and kept.endswith(" genetic, doctor?")  # the reader's words, to correct
    assert FollowUpQuestion.objects.count() == 0


def run_cleaning(app, migration):
    """The data step of a migration, run on the current rows as `migrate` would."""
    module = importlib.import_module(f"{app}.migrations.{migration}")
    module.strip_control_characters(apps, None)


def test_migrations_clean_rows_written_before_the_rule():
    """Older rows lose their control characters (tabs and line breaks kept); other rows are untouched."""
    topic = Topic.objects.create(name="Neuro\x01endocrine", slug="neuroendocrine", description="Line one\nline\x02 two")
    reference = make_reference(title="Trial\x07 results", authors="Smith AB\x1b", pages="1-2")
    member = BoardMember.objects.create(name="Jane\x0b Doe", credentials="MD\x7f", bio="Keeps\ta tab")
    article = make_article("What is\x01 it?", summary="Short\x02 answer.", guidelines="Body\x03 text.")
    untouched = make_article("A clean question?", guidelines="Clean.")
    modified = Article.objects.get(pk=article.pk).modified
    question = FollowUpQuestion.objects.create(article=untouched, text="Why\x08 now?")

    run_cleaning("references", "0002_text_without_control_characters")
    run_cleaning("articles", "0011_text_without_control_characters")
    run_cleaning("reviews", "0008_text_without_control_characters")

    topic.refresh_from_db(), reference.refresh_from_db(), member.refresh_from_db(), article.refresh_from_db(), question.refresh_from_db()
    assert (topic.name, topic.description) == ("Neuroendocrine", "Line one\nline two")
    assert (reference.title, reference.authors, reference.pages) == ("Trial results", "Smith AB", "1-2")
    assert (member.name, member.credentials, member.bio) == ("Jane Doe", "MD", "Keeps\ta tab")
    assert (article.question, article.summary, article.sections.get().body) == ("What is it?", "Short answer.", "Body text.")
    assert article.modified == modified  # "Last updated" does not move for invisible characters
    assert question.text == "Why now?"
    assert Article.objects.get(pk=untouched.pk).question == "A clean question?"
