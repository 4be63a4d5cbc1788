"""An Atom feed of newly approved articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class NewlyApprovedFeed(Feed):
    feed_type = Atom1Feed
    link = "/"
    subtitle = "Articles newly approved by our Medical Advisory Board."

    def title(self):
        return f"{settings.SITE_NAME}: newly reviewed answers"

    def items(self):
        return Article.objects.public().approved().select_related("live_revision").order_by("-last_reviewed_at")[:30]

    def item_title(self, item):
        return item.published_question

    def item_description(self, item):
        return item.published_summary

    def item_pubdate(self, item):
        return item.last_reviewed_at

    def item_updateddate(self, item):
        return item.live_revision.created
