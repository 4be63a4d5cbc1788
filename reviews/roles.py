"""The roles and their rights: one table that the groups, the permission-matrix tests and the README follow.

Each role is a Django group. Rights on a model are Django's own verbs (view, add, change,
delete); workflow rights are the permissions on ReviewEvent (see reviews.permissions).
"""

ALL = {"view", "add", "change", "delete"}
WRITE = {"view", "add", "change"}
READ = {"view"}

ROLES = {
    "Editors": {
        "models": {
            "articles.article": WRITE,
            # Removing a section, an attached reference or a related link is part of editing an article.
            "articles.answersection": ALL,
            "articles.citation": ALL,
            "articles.relatedquestion": ALL,
            "articles.topic": WRITE,
            "articles.searchsynonym": ALL,
            "articles.articlerevision": READ,
            "articles.followupquestion": {"view", "change"},  # triage: new, answered, dismissed
            "references.reference": WRITE,
            "reviews.reviewevent": READ,
            "reviews.boardmember": READ,  # the board is governed by board administrators, not edited
        },
        "workflow": ["reviews.submit_article"],
    },
    "Medical reviewers": {
        "models": {
            "articles.article": READ,
            "articles.answersection": READ,
            "articles.citation": READ,
            "articles.relatedquestion": READ,
            "articles.topic": READ,
            "articles.searchsynonym": READ,
            "articles.articlerevision": READ,
            "articles.followupquestion": {"view", "change"},  # readers' questions are the board's input too
            "references.reference": READ,
            "reviews.reviewevent": READ,
            "reviews.boardmember": READ,
        },
        "workflow": ["reviews.review_article", "reviews.approve_article"],
    },
    "Board administrators": {
        "models": {
            "reviews.boardmember": ALL,
            "reviews.boardmemberchange": READ,
            "reviews.reviewevent": READ,
        },
        "workflow": ["reviews.govern_board"],
    },
}

VERB_ORDER = ["view", "add", "change", "delete"]


def permission_names(role):
    """The role's permissions as "app_label.codename" strings."""
    spec = ROLES[role]
    names = {f"{model.split('.')[0]}.{verb}_{model.split('.')[1]}" for model, verbs in spec["models"].items() for verb in verbs}
    return names | set(spec["workflow"])


def sync_groups(Group, Permission):
    """Give each role's group exactly the rights in ROLES (used by the migration and by tests after a flush)."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in sorted(permission_names(role)):
            app_label, codename = name.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def markdown_table():
    """The roles table as the README shows it."""
    rows = ["| role | may | workflow |", "| --- | --- | --- |"]
    for role, spec in ROLES.items():
        rights = "; ".join(
            f"{model.split('.')[1]}: {', '.join(v for v in VERB_ORDER if v in verbs)}"
            for model, verbs in spec["models"].items()
        )
        workflow = ", ".join(f"`{name}`" for name in spec["workflow"])
        rows.append(f"| {role} | {rights} | {workflow} |")
    return "\n".join(rows)
