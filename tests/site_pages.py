"""Every page type a reader or editor meets, built on small data, for the axe and vnu checks."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article, Audience
from reviews.models import BoardMember
from tests.factories import make_approved_article, make_article_with_versions, make_topic

GUIDELINES = "Adults with primary hypothyroidism take levothyroxine [@ata; @nice].\n\n### Dose\n\n- Start low in older adults [@ata].\n- Recheck TSH after 6 weeks [@nice; @trial; @review; @ata]."
RESEARCH = "A trial compared morning and bedtime dosing [@trial]; a review pooled the results [@review]."
REFERENCES = {
    "ata": {"title": "Guidelines for the treatment of hypothyroidism", "kind": "guideline", "container": "Demo Thyroid Association", "year": 2024},
    "nice": {"title": "Thyroid disease: assessment and management", "kind": "guideline", "container": "Demo Institute", "year": 2023},
    "trial": {"title": "Morning or bedtime levothyroxine: a demo crossover trial", "kind": "study", "authors": "Demo A, Example B", "container": "Demo J Endocrinol", "year": 2022},
    "review": {"title": "Timing of thyroid hormone intake: a demo review", "kind": "review", "container": "Demo Rev", "year": 2021},
}
VERSIONS = {
    Audience.PATIENT: "Your thyroid makes too little hormone. A daily tablet replaces it [@ata].",
    Audience.CAREGIVER: "The person you care for takes one tablet each morning [@ata].",
    Audience.STUDENT: "Levothyroxine (T4) is titrated against TSH [@ata; @nice].",
    Audience.PROFESSIONAL: "Titrate levothyroxine to a TSH in the reference range [@nice; @ata].",
}


def build_site():
    """A board member, a topic, an approved article in every audience with references, and a related one; returns the article."""
    reviewer = get_user_model().objects.create_user(username="standards-reviewer", password="unused-password-1")
    BoardMember.objects.create(user=reviewer, name="Demo Reviewer", credentials="MD", specialty="Endocrinology", is_demo=True)
    topic = make_topic("Thyroid")
    related = make_approved_article("Can thyroid tablets be taken with coffee?", guidelines="Coffee can reduce absorption.", topic=topic)
    article = make_article_with_versions(
        "How is an underactive thyroid treated?",
        summary="Thyroid hormone tablets replace what the thyroid no longer makes.",
        guidelines=GUIDELINES,
        research=RESEARCH,
        references=REFERENCES,
        versions=VERSIONS,
        topic=topic,
        related=[related],
        is_demo=True,
    )
    Article.objects.filter(pk=article.pk).update(last_reviewed_by=reviewer)
    return Article.objects.get(pk=article.pk)


PUBLIC_PAGES = {
    "home": lambda article: (reverse("articles:home"), None),
    "article-everyone": lambda article: (article.get_absolute_url(), None),
    **{f"article-{a}": (lambda article, a=a: (article.get_absolute_url(), a)) for a in Audience.values},
    "search-results": lambda article: (reverse("articles:search") + "?q=thyroid", None),
    "search-no-results": lambda article: (reverse("articles:search") + "?q=zzqqxx", None),
    "search-empty": lambda article: (reverse("articles:search"), None),
    "topic": lambda article: (article.topic.get_absolute_url(), None),
    "board": lambda article: (reverse("reviews:board"), None),
    "editorial-policy": lambda article: (reverse("editorial-policy"), None),
    "disclaimer": lambda article: (reverse("disclaimer"), None),
    "personalize": lambda article: (reverse("articles:personalize"), None),
    "not-found": lambda article: ("/articles/no-such-question/", None),
}


def public_page(name, article):
    """(path, audience cookie or None) of one public page type."""
    return PUBLIC_PAGES[name](article)


FOLLOW_UP_TEXT = "Can I take my thyroid tablet with coffee in the morning?"
