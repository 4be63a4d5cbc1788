"""An Atom feed of newly approved articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from qa_site.text import strip_control_characters

from .models import Article


DEMO_LABEL = "Demo content · not medical advice."


class PlainTextAtomFeed(Atom1Feed):
    """Atom with the summary declared as plain text, so feed readers never decode it to markup.

    Django writes ``<summary type="html">``; our summaries are plain text written by editors.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NewlyApprovedFeed(Feed):
    feed_type = PlainTextAtomFeed
    link = "/"
    subtitle = "Articles newly approved by our Medical Advisory Board."

    def title(self):
        return f"{settings.SITE_NAME}: newly reviewed answers"

    def author_name(self):
        # The publisher: articles are written by its editors and reviewed by its board.
        return settings.SITE_NAME

    def items(self):
        return Article.objects.public().approved().select_related("live_revision", "published_revision").order_by("-last_reviewed_at")[:30]

    # Text fields refuse control characters; rows stored before that rule are stripped here,
    # since one of them made the whole feed fail for everyone (XML 1.0 cannot carry them).
    def item_title(self, item):
        # The published revision's own text (the published_* columns fold line breaks for lists and search).
        return strip_control_characters(item.published_revision.question)

    def item_description(self, item):
        summary = strip_control_characters(item.published_revision.summary)
        # A feed reader shows no page around the entry: demo content says so here, as on the page.
        return f"{DEMO_LABEL} {summary}".strip() if item.published_is_demo else summary

    def item_pubdate(self, item):
        return item.last_reviewed_at

    def item_updateddate(self, item):
        # Atom readers expect updated >= published; the approved revision may predate its approval.
        return max(item.last_reviewed_at, item.live_revision.created)
