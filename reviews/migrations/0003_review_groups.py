"""Create the two roles of the review workflow as groups: Editors and Medical reviewers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = {
    "articles": ["article", "answersection", "citation", "relatedquestion", "topic"],
    "references": ["reference"],
}
# Editors may also remove a section, an attached reference or a related link inside an article.
EDITOR_DELETES = {"articles": ["answersection", "citation", "relatedquestion"]}
GROUPS = {
    "Editors": {
        "crud": ["add", "change", "view"],
        "extra": [
            ("reviews", "submit_article"),
            ("reviews", "view_reviewevent"),
            ("reviews", "view_boardmember"),
            ("reviews", "add_boardmember"),
            ("reviews", "change_boardmember"),
            ("articles", "view_articlerevision"),
        ],
        "deletes": True,
    },
    "Medical reviewers": {
        "crud": ["view"],
        "extra": [
            ("reviews", "review_article"),
            ("reviews", "approve_article"),
            ("reviews", "view_reviewevent"),
            ("reviews", "view_boardmember"),
            ("articles", "view_articlerevision"),
        ],
        "deletes": False,
    },
}


def wanted(spec):
    for app_label, models in MODELS.items():
        for model in models:
            for action in spec["crud"]:
                yield app_label, f"{action}_{model}"
    yield from spec["extra"]
    if spec["deletes"]:
        for app_label, models in EDITOR_DELETES.items():
            for model in models:
                yield app_label, f"delete_{model}"


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    add_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def add_groups(Group, Permission):
    """Create the groups with their permissions (also used by tests after a database flush)."""
    for name, spec in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted(spec):
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_workflow_permissions"),
        ("articles", "0001_initial"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
