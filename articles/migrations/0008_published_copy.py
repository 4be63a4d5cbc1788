"""The published copy: search_* columns become published_*, with the published revision, topic,
demo label and date; revisions' content gains the topic and demo label (readers see both).

The PostgreSQL search_vector column (0004) is generated from the renamed columns: PostgreSQL
follows a column rename in a generated column's expression, so it needs no change.
"""

import hashlib
import html
import json

import django.core.validators
import django.db.models.deletion
import re
from django.conf import settings
from django.db import migrations, models


MARKERS = str.maketrans({"\ue000": " ", "\ue001": " "})


def plain(text):
    return " ".join(html.unescape(text or "").translate(MARKERS).split())


def content_hash(content):
    # As articles.revisions.content_hash at the time of this migration.
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def add_topic_and_demo_label(apps, schema_editor):
    """Revisions made before the topic and demo label were content get the article's current ones.

    (Which topic an old revision had was never recorded: the article's present topic is the best
    knowledge there is.) The hash is recomputed so an unchanged article saved again makes no revision.
    """
    Article = apps.get_model("articles", "Article")
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    working = {pk: (topic_id, is_demo) for pk, topic_id, is_demo in Article.objects.values_list("pk", "topic_id", "is_demo")}
    for revision in ArticleRevision.objects.iterator(chunk_size=1000):
        source = dict(revision.source)
        if "topic_id" in source:
            continue
        source["topic_id"], source["is_demo"] = working[revision.article_id]
        # update(): revisions are records, never saved again (this is a change of their format, not of content).
        ArticleRevision.objects.filter(pk=revision.pk).update(source=source, content_hash=content_hash(source))


def fill_published_copy(apps, schema_editor):
    """As articles.publishing.refresh_published: the live revision, or before approval the one pending review."""
    Article = apps.get_model("articles", "Article")
    Topic = apps.get_model("articles", "Topic")
    topics = set(Topic.objects.values_list("pk", flat=True))
    for article in Article.objects.select_related("live_revision", "current_revision").iterator(chunk_size=1000):
        if article.live_revision_id:
            revision = article.live_revision
        elif article.status in ("submitted", "under_review"):
            revision = article.current_revision
        else:
            revision = None
        if revision is None:
            continue
        topic_id = revision.source.get("topic_id")
        Article.objects.filter(pk=article.pk).update(
            published_revision=revision,
            published_at=article.last_reviewed_at if revision == article.live_revision else revision.created,
            published_question=plain(revision.question),
            published_summary=plain(revision.summary),
            published_body=plain(revision.plain_text),
            published_topic_id=topic_id if topic_id in topics else None,
            published_is_demo=bool(revision.source.get("is_demo")),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_revision_plain_language_grade'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='article',
            name='article_modified_idx',
        ),
        migrations.RenameField(
            model_name='article',
            old_name='search_body',
            new_name='published_body',
        ),
        migrations.RenameField(
            model_name='article',
            old_name='search_question',
            new_name='published_question',
        ),
        migrations.RenameField(
            model_name='article',
            old_name='search_summary',
            new_name='published_summary',
        ),
        migrations.AddField(
            model_name='article',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the text readers see last changed (“Recently updated”).', null=True),
        ),
        migrations.AddField(
            model_name='article',
            name='published_is_demo',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='published_revision',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.articlerevision'),
        ),
        migrations.AddField(
            model_name='article',
            name='published_topic',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='published_articles', to='articles.topic'),
        ),
        migrations.AlterField(
            model_name='citation',
            name='key',
            field=models.CharField(help_text='Short name used in the text as [@key], e.g. “nccn2018”.', max_length=60, validators=[django.core.validators.RegexValidator(re.compile('^[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?\\Z'), 'A key starts with a letter, digit or underscore and has no spaces, e.g. “nccn2018”.')]),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('published_revision__isnull', False)), fields=['-published_at'], name='article_published_at_idx'),
        ),
        migrations.RunPython(add_topic_and_demo_label, migrations.RunPython.noop),
        migrations.RunPython(fill_published_copy, migrations.RunPython.noop),
    ]
