"""`python manage.py load_demo`: the seed article and credited NIH answers, idempotent."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from articles.models import Article, ArticleRevision, Status
from references.models import Reference

SEED = "/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/"

pytestmark = pytest.mark.django_db


def test_load_demo_twice_changes_nothing(demo_content):
    counts = (Article.objects.count(), ArticleRevision.objects.count(), Reference.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Article.objects.count(), ArticleRevision.objects.count(), Reference.objects.count()) == counts


def test_seed_article_numbers_its_seven_sources_once_each(client, demo_content):
    """The seed page numbered two sources "1"; here every source has its own number."""
    soup = BeautifulSoup(client.get(SEED).content.decode(), "html.parser")
    assert soup.find("h1").get_text() == "What is the likely cause of neuroendocrine tumors (NETs)?"
    numbers = [int(a.get_text()) for a in soup.select("sup.citations a")]
    assert numbers[:2] == [1, 2]  # JNCCN, then Cancer Treatment Reviews
    assert sorted(set(numbers)) == list(range(1, 8))
    items = soup.select(".references li")
    assert [li["id"] for li in items] == [f"ref-{n}" for n in range(1, 8)]
    assert "Journal of the National Comprehensive Cancer Network" in items[0].get_text()
    assert "Cancer Treatment Reviews" in items[1].get_text() and "2025" in items[1].get_text()


def test_seed_references_carry_no_invented_identifiers(demo_content):
    seed = Article.objects.get(slug="what-is-the-likely-cause-of-neuroendocrine-tumors-nets")
    for citation in seed.citations.select_related("reference"):
        reference = citation.reference
        assert (reference.doi, reference.pmid, reference.authors) == ("", "", "")


def test_every_related_question_of_the_seed_opens_an_answer(client, demo_content):
    """The seed's curated questions still await answers: readers get answered, on-topic articles instead."""
    from articles.models import RelatedQuestion

    seed = Article.objects.get(slug=SEED.strip("/").split("/")[-1])
    curated = {link.related.question for link in RelatedQuestion.objects.filter(article=seed).select_related("related")}
    assert len(curated) == 11
    soup = BeautifulSoup(client.get(SEED).content.decode(), "html.parser")
    links = soup.select(".related a")
    assert len(links) == 5 and not curated & {a.get_text() for a in links}
    for link in links:
        page = client.get(link["href"]).content.decode()
        assert "The answer is being prepared" not in page and "From the" in page
    assert any("Carcinoid" in a.get_text() or "Neuroendocrine" in a.get_text() for a in links)


def test_nih_answers_credit_medquad_and_their_source_page(client, demo_content):
    article = Article.objects.filter(external_id__startswith="medquad:CancerGov:").first()
    assert article.status == Status.SUBMITTED
    html = client.get(article.get_absolute_url()).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#source h2").get_text() == "From the National Cancer Institute"
    assert "MedQuAD" in soup.select_one(".credit").get_text() and "CC BY 4.0" in soup.select_one(".credit").get_text()
    reference_links = [a["href"] for a in soup.select(".references a")]
    assert any(href.startswith("https://www.cancer.gov/") for href in reference_links)
