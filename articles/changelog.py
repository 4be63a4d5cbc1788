"""The public change log: one entry per revision that went live on approval, a page and Atom feeds."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article, ChangeLogEntry

FEED_SIZE = 30


def public_entries():
    """Change log entries of public articles only, newest first."""
    return ChangeLogEntry.objects.filter(article__in=Article.objects.public()).select_related("article")


def article_changes(request, slug):
    """Every change that went live on one article, newest first."""
    article = get_object_or_404(Article.objects.public(), slug=slug)
    page = Paginator(article.change_log.all(), 50).get_page(request.GET.get("page"))
    return render(request, "articles/changes.html", {"article": article, "page_obj": page})


class ChangeLogFeed(Feed):
    """What changed on every public article, newest first: how a clinician follows updates."""

    feed_type = Atom1Feed
    subtitle = "Every reviewed update: its date, reviewer, size and what changed."

    def title(self):
        return f"{settings.SITE_NAME}: what changed"

    def link(self):
        return reverse("articles:home")

    def items(self):
        return public_entries()[:FEED_SIZE]

    def item_title(self, entry):
        flag = "Changed recommendation: " if entry.is_major else ""
        return f"{flag}{entry.article.published_question}"

    def item_description(self, entry):
        kind = "First published" if entry.first_publication else (entry.get_size_display() or "Updated")
        evidence = (
            f" Evidence current through {entry.evidence_current_through:%B %Y}." if entry.evidence_current_through else ""
        )
        return f"{kind}: {entry.headline} Reviewed by {entry.reviewer}.{evidence}"

    def item_link(self, entry):
        return f"{reverse('articles:changes', args=[entry.article.slug])}#change-{entry.pk}"

    def item_guid(self, entry):
        return f"change-{entry.pk}"

    def item_pubdate(self, entry):
        return entry.went_live

    def item_updateddate(self, entry):
        return entry.went_live

    def item_categories(self, entry):
        return [entry.get_size_display()] if entry.size else []


class ArticleChangeLogFeed(ChangeLogFeed):
    """What changed on one article."""

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.public(), slug=slug)

    def title(self, article):
        return f"What changed: {article.published_question}"

    def link(self, article):
        return reverse("articles:changes", args=[article.slug])

    def items(self, article):
        return public_entries().filter(article=article)[:FEED_SIZE]
