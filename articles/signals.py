"""The one signal that published state changed, sent by reviews.services only.

``publication_changed`` is sent (after the transaction commits) whenever what readers may see of
some articles changed: their published revision, their status as readers see it (public or not,
pending or approved), their review dates or reviewer, or their topic. Everything derived from the
published state listens to it instead of each writer remembering: the published columns and
search text (``articles.publishing``), the page cache (``articles.cache``), HTTP cache purges.

    publication_changed.send(sender=Article, article_ids=[1, 2, 3])
"""

from django.dispatch import Signal

publication_changed = Signal()  # kwargs: article_ids (a list of Article primary keys)
