"""Related questions are computed when content is published and stored; a page view only reads them."""

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, RelatedQuestion
from articles.related import LIVE_LIMIT
from articles.signals import publication_changed
from tests.factories import make_approved_article

pytestmark = pytest.mark.django_db


def test_publishing_stores_the_list_the_page_shows():
    """Approval stores the similar articles; the page shows exactly those, editors' choices first."""
    chosen = make_approved_article("How is asthma diagnosed in adults?", guidelines="Spirometry.")
    similar = make_approved_article("What triggers asthma attacks?", guidelines="Allergens and asthma.")
    article = make_approved_article("What is asthma?", guidelines="Asthma is a lung disease.", related=[chosen])
    article.refresh_from_db()
    assert article.published_related[:2] == [chosen.pk, similar.pk]
    html = Client().get(article.get_absolute_url()).content.decode()
    assert html.index("How is asthma diagnosed in adults?") < html.index("What triggers asthma attacks?")


def test_a_newly_linked_article_updates_the_stored_list():
    """An editor's new related link is stored at once and shown."""
    article = make_approved_article("Which vaccines protect against shingles?", guidelines="Zoster.")
    other = make_approved_article("How is gout treated?", guidelines="Urate lowering.")
    RelatedQuestion.objects.create(article=article, related=other)
    article.refresh_from_db()
    assert article.published_related == [other.pk]
    assert "How is gout treated?" in Client().get(article.get_absolute_url()).content.decode()


def test_a_bulk_publication_is_stored_later_by_the_command(django_assert_max_num_queries):
    """Above LIVE_LIMIT articles the lists are cleared; the first view or store_related computes them once."""
    first = make_approved_article("What causes gout flares?", guidelines="Urate crystals in gout.")
    second = make_approved_article("How is a gout flare treated?", guidelines="Colchicine for gout.")
    publication_changed.send(sender=Article, article_ids=[first.pk, second.pk, *range(10**6, 10**6 + LIVE_LIMIT)])
    assert list(Article.objects.filter(pk__in=[first.pk, second.pk]).values_list("published_related", flat=True)) == [None, None]
    assert "How is a gout flare treated?" in Client().get(first.get_absolute_url()).content.decode()
    first.refresh_from_db()
    assert first.published_related == [second.pk]  # the first view stored it
    call_command("store_related", stdout=open("/dev/null", "w"))
    second.refresh_from_db()
    assert second.published_related == [first.pk]
