"""sitemap.xml: only approved articles; pages pending review are noindex until approved."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.public().approved().select_related("live_revision").order_by("pk")

    def lastmod(self, item):
        return item.live_revision.created


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.filter(published_articles__in=Article.objects.public().approved()).distinct().order_by("pk")


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["articles:home", "reviews:board", "editorial-policy", "disclaimer"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "pages": PageSitemap}
