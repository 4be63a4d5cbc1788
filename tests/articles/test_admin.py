"""Editing articles in the admin: inlines, citation checks, search and filters."""

import pytest
from bs4 import BeautifulSoup

from articles.models import AnswerSection, Article
from tests.factories import make_article, make_reference, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user("admin-editor", superuser=True)
    client.force_login(user)
    return user


def article_form_data(article=None, *, question="How is it treated?", slug="how-is-it-treated", sections=(), citations=()):
    """POST data for the article change form with its three inlines."""
    data = {
        "question": question,
        "slug": slug,
        "summary": "",
        "topic": "",
        "credit": "",
        "is_demo": "",
    }
    if article is not None:
        data["lock_version"] = str(article.lock_version)
    existing_sections = list(article.sections.all()) if article else []
    data.update({"sections-TOTAL_FORMS": str(len(sections)), "sections-INITIAL_FORMS": str(len(existing_sections)),
                 "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "3"})
    for i, (kind, body) in enumerate(sections):
        data[f"sections-{i}-kind"] = str(kind)
        data[f"sections-{i}-body"] = body
        data[f"sections-{i}-source_name"] = ""
        for name in ("patient", "caregiver", "student", "professional"):
            data[f"sections-{i}-body_{name}"] = ""
        if i < len(existing_sections):
            data[f"sections-{i}-id"] = str(existing_sections[i].pk)
            data[f"sections-{i}-article"] = str(article.pk)
    existing_citations = list(article.citations.all()) if article else []
    data.update({"citations-TOTAL_FORMS": str(len(citations)), "citations-INITIAL_FORMS": str(len(existing_citations)),
                 "citations-MIN_NUM_FORMS": "0", "citations-MAX_NUM_FORMS": "1000"})
    for i, (key, reference) in enumerate(citations):
        data[f"citations-{i}-key"] = key
        data[f"citations-{i}-reference"] = str(reference.pk)
        if i < len(existing_citations):
            data[f"citations-{i}-id"] = str(existing_citations[i].pk)
            data[f"citations-{i}-article"] = str(article.pk)
    data.update({"related_links-TOTAL_FORMS": "0", "related_links-INITIAL_FORMS": "0",
                 "related_links-MIN_NUM_FORMS": "0", "related_links-MAX_NUM_FORMS": "1000"})
    return data


def page_text(response):
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/article/?status__exact=submitted",
        "/admin/references/reference/",
        "/admin/references/reference/add/",
        "/admin/articles/topic/",
    ],
)
def test_admin_pages_open_for_staff(client, editor, url):
    assert client.get(url).status_code == 200


def test_change_page_shows_markdown_editor_and_inlines(client, editor):
    article = make_article(guidelines="Text [@a].", references={"a": {"title": "A source"}})
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.select("textarea.markdownx-editor"), "sections use the markdownx editor with live preview"
    assert "attached references" in page_text(response).lower()


def test_admin_pages_need_a_login(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_citation_key_blocks_the_save_and_names_the_key(client, editor):
    reference = make_reference(title="Known source")
    data = article_form_data(
        sections=[(AnswerSection.Kind.GUIDELINES, "Cites [@known] and [@typo2024].")],
        citations=[("known", reference)],
    )
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "Unknown citation key [@typo2024]" in page_text(response)
    assert not Article.objects.filter(slug="how-is-it-treated").exists()
    # The editor's text is still in the form.
    assert "Cites [@known] and [@typo2024]." in response.content.decode()


def test_valid_save_creates_a_revision_and_warns_about_uncited_reference(client, editor):
    cited, spare = make_reference(title="Cited"), make_reference(title="Spare")
    data = article_form_data(
        sections=[(AnswerSection.Kind.GUIDELINES, "Cites [@cited].")],
        citations=[("cited", cited), ("spare", spare)],
    )
    response = client.post("/admin/articles/article/add/", data, follow=True)
    assert response.status_code == 200
    article = Article.objects.get(slug="how-is-it-treated")
    assert article.current_revision is not None
    assert "Reference [@spare] is attached but never cited." in page_text(response)


def test_references_are_searchable_by_title_doi_and_pmid(client, editor):
    make_reference(title="Somatostatin analogues in practice", doi="10.1000/abc.1", pmid="11112222")
    make_reference(title="Unrelated")
    for query in ("Somatostatin", "10.1000/abc.1", "11112222"):
        response = client.get("/admin/references/reference/", {"q": query})
        assert "Somatostatin analogues in practice" in page_text(response)
        assert "Unrelated" not in page_text(response)


def test_live_preview_uses_the_sanitising_pipeline(client, editor):
    """The markdownx preview shows numbered citations and escapes scripts, like the site."""
    response = client.post("/markdownx/markdownify/", {"content": "**Bold** [@a] <script>alert(1)</script>"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("strong").get_text() == "Bold"
    assert soup.select_one("sup.citations a")["href"] == "#ref-1"
    assert soup.find("script") is None


def test_live_preview_and_uploads_are_not_open_to_the_public(client):
    assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 302
    assert client.post("/markdownx/upload/", {}).status_code == 404
