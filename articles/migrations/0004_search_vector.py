"""Fill the search text of existing articles; on PostgreSQL add the weighted tsvector column and its GIN index."""

import html
import re

from django.db import migrations

MARKERS = re.compile("[\ue000\ue001]")

CREATE = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(search_question, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(search_summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(search_body, '')), 'C')
) STORED;
CREATE INDEX article_search_vector_idx ON articles_article USING GIN (search_vector);
"""
DROP = """
DROP INDEX IF EXISTS article_search_vector_idx;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def plain(text):
    return " ".join(MARKERS.sub(" ", html.unescape(text or "")).split())


def fill_search_text(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.select_related("live_revision", "current_revision").iterator():
        revision = article.live_revision or article.current_revision
        if revision is None:
            continue
        Article.objects.filter(pk=article.pk).update(
            search_question=plain(revision.question),
            search_summary=plain(revision.summary),
            search_body=plain(revision.plain_text),
        )


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_text")]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_vector, drop_vector),
    ]
