"""
Related questions, computed when content is published and stored, not on each page view.

Each public article keeps the ids of its related questions in ``published_related``: the editors'
choices, then the most similar public articles up to five (``search.fill_related``). They are
recomputed, inside the publishing transaction, for the articles whose published state changed
and for the articles whose editors linked to them, and when an editors' link is added or removed.
A page reads the stored ids in one query, keeping only those still public and answered (so a withdrawn
article drops out at once) with their current published question.

Bulk publications (an import of thousands) would make one similarity search per article inside
the import's transaction: above ``LIVE_LIMIT`` articles the lists are cleared instead and computed
once, by the first view or by ``manage.py store_related``.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search as engine
from .models import Article, RelatedQuestion
from .signals import publication_changed

LIVE_LIMIT = 50


def compute_related_ids(article):
    """The ids of an article's related questions, best first: the editors' public choices, then similar ones."""
    chosen = [
        link.related
        # Readers are sent only to answers: a related question still being written is not listed.
        for link in article.related_links.select_related("related").filter(related__in=Article.objects.answered())
    ]
    return [related.pk for related in engine.fill_related(article, chosen)]


def store_related(article_ids):
    """Recompute and store the related questions of these articles (not public: none)."""
    for article in Article.objects.filter(pk__in=list(article_ids)):
        ids = compute_related_ids(article) if article.published_revision_id else []
        if ids != article.published_related:
            Article.objects.filter(pk=article.pk).update(published_related=ids)


def related_for(article):
    """The related questions a reader sees on this article's page, in stored order."""
    if article.published_revision_id is None:
        ids = compute_related_ids(article)  # a private draft shown to staff: nothing is stored for it
    elif article.published_related is None:
        ids = compute_related_ids(article)  # never stored (bulk import): once, then stored
        Article.objects.filter(pk=article.pk).update(published_related=ids)
    else:
        ids = article.published_related
    found = Article.objects.answered().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@receiver(publication_changed, dispatch_uid="articles.related.publication_changed")
def _published_state_changed(sender, article_ids, **kwargs):
    ids = list(article_ids)
    if len(ids) > LIVE_LIMIT:
        Article.objects.filter(pk__in=ids).update(published_related=None)
        return
    linking = RelatedQuestion.objects.filter(related_id__in=ids).values_list("article_id", flat=True)
    store_related({*ids, *linking})


@receiver([post_save, post_delete], sender=RelatedQuestion, dispatch_uid="articles.related.link_changed")
def _link_changed(sender, instance, **kwargs):
    store_related([instance.article_id])
