"""Creating and updating articles from outside sources (MedQuAD, the demo seed)."""

from django.db import transaction
from django.utils.text import slugify

from references.models import Reference

from .medquad import MEDQUAD_KEY, MEDQUAD_REFERENCE, SOURCE_KEY, MedQuADEntry
from .models import AnswerSection, Article, Citation, Status, Topic
from .revisions import record_revision


def get_topic(name):
    """The topic of that name, created on first use."""
    name = name.strip()[:200]
    slug = slugify(name)[:200] or "general"
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    return topic


def unique_slug(base, *, exclude_pk=None, suffix=""):
    slug = base[:200]
    taken = Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()
    if taken and suffix:
        slug = f"{base[: 199 - len(suffix)]}-{suffix}"
    return slug


def medquad_reference():
    """The one row crediting the MedQuAD collection, shared by every imported article."""
    existing = Reference.objects.filter(title=MEDQUAD_REFERENCE["title"], container=MEDQUAD_REFERENCE["container"]).first()
    return existing or Reference.objects.create(**MEDQUAD_REFERENCE)


def source_reference(entry):
    """The NIH page an answer comes from: one row per URL."""
    reference = Reference.objects.filter(url=entry.url).first()
    if reference is None:
        reference = Reference.objects.create(
            kind=Reference.Kind.OTHER, title=entry.focus or entry.question, container=entry.publisher, url=entry.url
        )
    return reference


@transaction.atomic
def import_medquad_row(row, *, medquad_ref=None, is_demo=False):
    """Create or update the article for one MedQuAD row; returns (article, created)."""
    entry = MedQuADEntry.from_row(row)
    medquad_ref = medquad_ref or medquad_reference()
    article = Article.objects.filter(external_id=entry.external_id).first()
    created = article is None
    if created:
        article = Article(external_id=entry.external_id, status=Status.SUBMITTED)
    article.question = entry.question
    article.slug = article.slug or unique_slug(entry.slug, suffix=slugify(f"{row['source']}-{row['qid']}"))
    article.summary = entry.summary()
    article.topic = get_topic(entry.focus) if entry.focus else None
    article.credit = entry.credit
    article.is_demo = is_demo or article.is_demo
    article.save()
    AnswerSection.objects.update_or_create(
        article=article,
        kind=AnswerSection.Kind.SOURCE,
        defaults={"source_name": entry.heading_source, "body": entry.body},
    )
    for key, reference in ((SOURCE_KEY, source_reference(entry)), (MEDQUAD_KEY, medquad_ref)):
        Citation.objects.update_or_create(article=article, key=key, defaults={"reference": reference})
    record_revision(article)
    return article, created
