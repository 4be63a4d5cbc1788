"""The plain-language grade now counts what patients and caregivers actually read: their own version
where one was written, else the text for everyone. Recompute it for existing revisions."""

from django.db import migrations

LAY = ("patient", "caregiver")


def grade(reading_levels):
    # As articles.revisions.plain_language_grade at the time of this migration.
    grades = [
        versions[audience if audience in versions else "default"]
        for versions in reading_levels.values()
        for audience in LAY
        if versions.get(audience if audience in versions else "default") is not None
    ]
    return max(grades) if grades else None


def recompute(apps, schema_editor):
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    for pk, levels in ArticleRevision.objects.values_list("pk", "reading_levels").iterator(chunk_size=2000):
        ArticleRevision.objects.filter(pk=pk).update(plain_language_grade=grade(levels or {}))


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_published_copy")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
