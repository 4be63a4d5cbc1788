from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .audience import audience_of
from .cache import cache_article_page
from .models import Article, Status, Topic

REVIEW_STEPS = [(Status.SUBMITTED.value, "Submitted"), (Status.UNDER_REVIEW.value, "Under Review"), (Status.APPROVED.value, "Approved")]


def review_steps_done(status):
    """The steps already passed by an article in this status (approval completes the last)."""
    values = [value for value, _ in REVIEW_STEPS]
    if status == Status.APPROVED:
        return values
    return values[: values.index(status)] if status in values else []


@cache_article_page  # anonymous readers: cached page, own CSRF token (articles/cache.py)
def article_detail(request, slug):
    """The article page: the reviewed answer to one question."""
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related(
            "topic", "live_revision", "current_revision", "last_reviewed_by__board_member"  # the reviewer link
        ),
        slug=slug,
    )
    audience = audience_of(request)
    revision = article.displayed_revision
    if revision is None:
        raise Http404("This article has no saved content yet.")
    page = revision.page_for(audience)
    related = [
        link.related
        for link in article.related_links.select_related("related").filter(related__in=Article.objects.public())
    ]
    context = {
        "article": article,
        "revision": revision,
        "sections": page["sections"],
        "references": page["references"],
        "related_questions": related,
        "audience": audience,
        "status": article.public_status,
        "review_steps": REVIEW_STEPS,
        "done_steps": review_steps_done(article.public_status),
    }
    response = render(request, "articles/article_detail.html", context)
    return response


HOME_TOPICS = 30


def busiest_topics(limit):
    """Ids of the topics with the most public articles (MedQuAD alone has 4,700 topics: too many to list)."""
    counted = Article.objects.public().exclude(topic=None).order_by().values("topic").annotate(n=Count("id"))
    return counted.order_by("-n", "topic").values_list("topic", flat=True)[:limit]


def home(request):
    """The front page: recently reviewed and recently updated questions, and the topics."""
    public = Article.objects.public().select_related("topic")
    context = {
        "recently_approved": public.approved().order_by("-last_reviewed_at")[:6],
        "recently_updated": public.order_by("-modified")[:8],
        # Counting articles per topic takes a scan of them all: the answer is reused for 5 minutes.
        "topics": Topic.objects.filter(
            pk__in=cache.get_or_set("home:busiest-topics", lambda: list(busiest_topics(HOME_TOPICS)), 300)
        ).order_by("name"),
    }
    return render(request, "articles/home.html", context)


def topic_detail(request, slug):
    """All public articles on one topic, a page at a time."""
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.public().filter(topic=topic).select_related("topic").order_by("question")  # the list shows item.topic
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "articles/topic_detail.html", {"topic": topic, "page_obj": page})
