"""Review events may be made by a process (an import, the demo loader), named in `origin`;
every article gets a creation event (those created before this migration: one for the record)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_creations(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    logged = set(ReviewEvent.objects.filter(action="create").values_list("article_id", flat=True))
    first = {}
    for article_id, pk, created_by in ArticleRevision.objects.order_by("article_id", "-number").values_list(
        "article_id", "pk", "created_by"
    ):
        first[article_id] = (pk, created_by)  # the lowest number wins
    events = [
        ReviewEvent(
            article_id=article_id, revision_id=pk, actor_id=created_by, action="create", from_status="draft",
            to_status="draft", origin="" if created_by else "Before creation events were recorded",
            comment="Creation recorded when the audit trail gained creation events.",
        )
        for article_id, (pk, created_by) in first.items()
        if article_id not in logged
    ]
    ReviewEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_review_groups'),
        ('articles', '0008_published_copy'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewevent',
            name='origin',
            field=models.CharField(blank=True, help_text='What made the move when no person did, e.g. “MedQuAD import”.', max_length=100),
        ),
        migrations.AlterField(
            model_name='reviewevent',
            name='action',
            field=models.CharField(choices=[('create', 'Created'), ('submit', 'Submitted for review'), ('start_review', 'Started review'), ('request_changes', 'Requested changes'), ('approve', 'Approved'), ('edit', 'Edited')], max_length=30),
        ),
        migrations.AlterField(
            model_name='reviewevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='review_events', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(record_creations, migrations.RunPython.noop),
    ]
