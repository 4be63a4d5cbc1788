"""Small builders for test data, named by the state they produce."""

import itertools

from django.contrib.auth import get_user_model

from articles.models import AnswerSection, Article, Citation, RelatedQuestion, Status, Topic
from references.models import Reference

FACTORY_ORIGIN = "Test factory"

_counter = itertools.count(1)


def make_user(username=None, *, staff=True, superuser=False, perms=(), groups=()):
    """A user; `perms` are "app_label.codename" strings, `groups` are group names."""
    from django.contrib.auth.models import Group, Permission

    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password="correct horse battery staple", is_staff=staff, is_superuser=superuser
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_reference(**fields):
    fields.setdefault("title", f"Reference title {next(_counter)}")
    fields.setdefault("kind", Reference.Kind.STUDY)
    return Reference.objects.create(**fields)


def make_topic(name=None):
    name = name or f"Topic {next(_counter)}"
    topic, _ = Topic.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})
    return topic


def make_article(
    question=None,
    *,
    status=Status.SUBMITTED,
    guidelines="",
    research="",
    source=None,
    references=None,
    topic=None,
    summary="",
    related=(),
    author=None,
    reviewer=None,
    **fields,
):
    """An article with its content saved through reviews.services, then moved to `status` by the real moves.

    `references` maps citation keys to Reference rows (or to field dicts).
    `source` is (source_name, body) for a "From <source>" section.
    `author` (if given) is recorded as the writer of the revision, as when an editor saves.
    `reviewer` (default: the factory's board member) starts the review (and approves) for states past Submitted.
    """
    from reviews import services

    n = next(_counter)
    question = question or f"What is test condition number {n}?"
    article = Article.objects.create(
        question=question,
        slug=fields.pop("slug", f"test-question-{n}"),
        summary=summary,
        topic=topic,
        created_by=author,
        **fields,
    )
    if guidelines:
        AnswerSection.objects.create(article=article, kind=AnswerSection.Kind.GUIDELINES, body=guidelines)
    if research:
        AnswerSection.objects.create(article=article, kind=AnswerSection.Kind.RESEARCH, body=research)
    if source:
        AnswerSection.objects.create(article=article, kind=AnswerSection.Kind.SOURCE, source_name=source[0], body=source[1])
    for key, reference in (references or {}).items():
        if isinstance(reference, dict):
            reference = make_reference(**reference)
        Citation.objects.create(article=article, key=key, reference=reference)
    for position, other in enumerate(related):
        RelatedQuestion.objects.create(article=article, related=other, position=position)
    submit = status != Status.DRAFT
    can_submit = author is None or author.has_perm("reviews.submit_article")
    services.article_save_content(
        article=article, user=author, origin="" if author else FACTORY_ORIGIN, submit=submit and can_submit
    )
    if submit and not can_submit:  # e.g. a reviewer given writing rights: an editor submits their text
        services.article_submit(article=article, user=make_editor())
    if status in (Status.UNDER_REVIEW, Status.APPROVED):
        reviewer = reviewer or factory_reviewer()
        services.article_start_review(article=article, user=reviewer)
        if status == Status.APPROVED:
            services.article_approve(article=article, user=reviewer)
    article.refresh_from_db()
    return article


def factory_reviewer():
    """The board member the factories review with (“Demo Reviewer, MD”), created on first use."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="factory-reviewer").first()
    return user or make_reviewer("factory-reviewer", name="Demo Reviewer", credentials="MD")


def save_content(article, user=None):
    """Record the article's saved working copy through reviews.services, as every writer does."""
    from reviews import services

    saved = services.article_save_content(article=article, user=user, origin="" if user else FACTORY_ORIGIN)
    article.refresh_from_db()
    return saved


def edit_article(article, *, user=None, guidelines=None, patient=None, **fields):
    """An editor's change of the working copy (article fields, guidelines text), saved through reviews.services."""
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    section_changes = {"body": guidelines, "body_patient": patient}
    section_changes = {name: value for name, value in section_changes.items() if value is not None}
    if section_changes:
        AnswerSection.objects.update_or_create(article=article, kind=AnswerSection.Kind.GUIDELINES, defaults=section_changes)
    return save_content(article, user=user)


def grant_writing(user):
    """The account, also allowed to write articles (as a reviewer given editing rights would be)."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "change_article"]))
    return type(user).objects.get(pk=user.pk)  # permissions are cached per instance


def approve_current(article):
    """The factory's board member approves the article's current revision (submitting a Draft first)."""
    from reviews import services

    article = Article.objects.get(pk=article.pk)
    if article.status == Status.DRAFT:
        article = services.article_submit(article=article, user=make_user(superuser=True))
    reviewer = factory_reviewer()
    if article.status == Status.SUBMITTED:
        article = services.article_start_review(article=article, user=reviewer)
    return services.article_approve(article=article, user=reviewer)


def make_approved_article(question=None, **kwargs):
    """An article approved by the factory's board member through the real workflow."""
    return make_article(question, status=Status.APPROVED, **kwargs)


def ensure_review_groups():
    """The role groups, as the migrations make them.

    A transactional test (live_server) empties the database, groups included; this puts them back.
    """
    from django.contrib.auth.models import Group, Permission

    from reviews.roles import ROLES, sync_groups

    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_groups(Group, Permission)


def make_editor(username=None):
    """A staff account in the Editors group (writes and submits articles)."""
    ensure_review_groups()
    return make_user(username, groups=["Editors"])


def make_reviewer(username=None, *, name=None, credentials="MD", superuser=False):
    """A staff account in the Medical reviewers group, linked to an active board member profile."""
    from reviews.models import BoardMember

    ensure_review_groups()
    user = make_user(username, superuser=superuser, groups=[] if superuser else ["Medical reviewers"])
    BoardMember.objects.create(user=user, name=name or f"Reviewer {user.username}", credentials=credentials)
    return user


def article_admin_data(article, **changes):
    """POST data for the article's admin change form as the editor sees it, with `changes` applied.

    `changes` may set article fields, "lock_version", or section texts as {"guidelines": "..."}.
    """
    sections = {section.kind: section for section in article.sections.all()}
    texts = {"guidelines": AnswerSection.Kind.GUIDELINES, "research": AnswerSection.Kind.RESEARCH}
    for name, kind in texts.items():
        if name in changes and kind not in sections:
            sections[kind] = AnswerSection(kind=kind, body="")
    data = {
        "question": article.question,
        "slug": article.slug,
        "summary": article.summary,
        "topic": article.topic_id or "",
        "credit": article.credit,
        "is_demo": "on" if article.is_demo else "",
        "lock_version": str(article.lock_version),
    }
    data.update({k: v for k, v in changes.items() if k not in texts})
    ordered = [sections[kind] for kind in sorted(sections)]
    existing = [s for s in ordered if s.pk]
    data.update({"sections-TOTAL_FORMS": str(len(ordered)), "sections-INITIAL_FORMS": str(len(existing)),
                 "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "3"})
    by_kind = {kind: name for name, kind in texts.items()}
    for i, section in enumerate(ordered):
        body = changes.get(by_kind.get(section.kind), section.body)
        data.update({f"sections-{i}-kind": str(section.kind), f"sections-{i}-source_name": section.source_name,
                     f"sections-{i}-body": body, f"sections-{i}-article": str(article.pk)})
        for audience in ("patient", "caregiver", "student", "professional"):
            data[f"sections-{i}-body_{audience}"] = getattr(section, f"body_{audience}")
        if section.pk:
            data[f"sections-{i}-id"] = str(section.pk)
    citations = list(article.citations.all())
    data.update({"citations-TOTAL_FORMS": str(len(citations)), "citations-INITIAL_FORMS": str(len(citations)),
                 "citations-MIN_NUM_FORMS": "0", "citations-MAX_NUM_FORMS": "1000"})
    for i, citation in enumerate(citations):
        data.update({f"citations-{i}-id": str(citation.pk), f"citations-{i}-article": str(article.pk),
                     f"citations-{i}-key": citation.key, f"citations-{i}-reference": str(citation.reference_id)})
    data.update({"related_links-TOTAL_FORMS": "0", "related_links-INITIAL_FORMS": "0",
                 "related_links-MIN_NUM_FORMS": "0", "related_links-MAX_NUM_FORMS": "1000"})
    return data
def make_article_with_versions(question=None, *, guidelines="Text for everyone.", versions=None, approved=True, **kwargs):
    """An article whose guidelines section has audience versions, e.g. versions={"patient": "..."}."""
    article = make_article(question, guidelines=guidelines, status=Status.SUBMITTED, **kwargs)
    section = article.sections.get(kind=AnswerSection.Kind.GUIDELINES)
    for audience, text in (versions or {}).items():
        setattr(section, f"body_{audience}", text)
    section.save()
    save_content(article)
    if approved:
        from reviews import services

        reviewer = factory_reviewer()
        services.article_start_review(article=article, user=reviewer)
        services.article_approve(article=article, user=reviewer)
    article.refresh_from_db()
    return article
