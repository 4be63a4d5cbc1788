"""Editors keep the search synonym list; Medical reviewers can read it (as reviews.roles.ROLES says)."""

from django.db import migrations

GRANTS = {
    "Editors": ["view_searchsynonym", "add_searchsynonym", "change_searchsynonym", "delete_searchsynonym"],
    "Medical reviewers": ["view_searchsynonym"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_review_takeover_and_resubmit"), ("articles", "0010_answers_and_synonyms")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
