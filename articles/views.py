from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import evidence
from . import search as engine
from . import structured_data
from .audience import COOKIE_MAX_AGE, COOKIE_NAME, audience_of
from .context_processors import site_url_of
from .follow_up import client_hash, is_rate_limited, is_site_rate_limited, rate_limit, store_question
from .http_cache import public_page, same_origin_only
from .related import related_for
from .forms import AudienceForm, FollowUpForm
from .matching import follow_up_matches
from .models import Article, Audience, FollowUpQuestion, Status, Topic

SEARCH_PAGE_SIZE = 10

REVIEW_STEPS = [(Status.SUBMITTED.value, "Submitted"), (Status.UNDER_REVIEW.value, "Under Review"), (Status.APPROVED.value, "Approved")]


def review_steps_done(status):
    """The steps already passed by an article in this status (approval completes the last)."""
    values = [value for value, _ in REVIEW_STEPS]
    if status == Status.APPROVED:
        return values
    return values[: values.index(status)] if status in values else []


def _article_structured_data(request, article, revision, page, audience, context):
    """The page's JSON-LD <script>, from the displayed revision and the review fields."""
    site_url = site_url_of(request)
    return structured_data.json_ld_script(
        structured_data.article_data(
            article=article,
            revision=revision,
            references=page["references"],
            audience=audience,
            shown_audience_version=context["has_audience_version"],
            page_url=site_url + article.get_absolute_url(),
            site_url=site_url + "/",
            site_name=settings.SITE_NAME,
            board_url=site_url + reverse("reviews:board"),
            topic_url=site_url + article.published_topic.get_absolute_url() if article.published_topic else "",
        )
    )


@public_page  # the same bytes for every anonymous reader of an audience (articles/http_cache.py)
def article_detail(request, slug, *, follow_up_form=None, follow_up_sent=None, http_status=200):
    """The article page: the reviewed answer to one question.

    The follow-up view re-renders it with the reader's form (kept on refusal) or the question sent.
    """
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related(
            "published_topic", "published_revision", "current_revision", "last_reviewed_by__board_member"  # the reviewer link
        ).annotate(**evidence.page_annotations()),  # "What changed" and retraction flags, in this one query
        slug=slug,
    )
    audience = audience_of(request)
    revision = article.displayed_revision
    if revision is None:
        raise Http404("This article has no saved content yet.")
    page = revision.page_for(audience)
    related = related_for(article)  # stored when published; answered articles only (articles/related.py)
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
    context.update(
        audience_choices=Audience.choices,
        has_audience_version=audience in revision.rendered.get("audiences", {}),
        follow_up_form=follow_up_form or FollowUpForm(),
        follow_up_sent=follow_up_sent,
    )
    context["structured_data"] = _article_structured_data(request, article, revision, page, audience, context)
    response = render(request, "articles/article_detail.html", context, status=http_status)
    patch_vary_headers(response, ["Cookie"])  # the text depends on the audience cookie
    return response


FOLLOW_UP_RESULT_SALT = "articles.follow_up.result"
FOLLOW_UP_RESULT_DAYS = 1  # how long the link to "your question was sent" keeps working


@same_origin_only  # no per-reader CSRF token on public pages: the form must come from this site
@require_http_methods(["GET", "POST"])
def follow_up(request, slug):
    """Store a reader's follow-up question, then send them to its result page (POST/redirect/GET)."""
    article = get_object_or_404(Article.objects.public(), slug=slug)
    if request.method == "GET":  # a reopened or bookmarked form address: the article's question box
        return HttpResponseRedirect(article.get_absolute_url() + "#follow-up")
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return article_detail(request, slug, follow_up_form=form, http_status=400)
    client = client_hash(request)
    text = form.cleaned_data["text"]
    if is_site_rate_limited():
        form.add_error(
            None,
            "We have received more questions than usual in the last hour and cannot take more just now. "
            "Please try again later: your question is kept below so you can copy it.",
        )
        return article_detail(request, slug, follow_up_form=form, http_status=429)
    # store_question counts again under a per-client lock: None means simultaneous posts used the allowance.
    question = None
    if not is_rate_limited(client):
        question = store_question(article=article, text=text, audience=audience_of(request), client=client)
    if question is None:
        form.add_error(
            None,
            f"You have sent {rate_limit()} questions in the last hour, which is our limit. "
            "Please try again later: your question is kept below so you can copy it.",
        )
        return article_detail(request, slug, follow_up_form=form, http_status=429)
    token = signing.dumps(question.pk, salt=FOLLOW_UP_RESULT_SALT)
    # Reloading the result shows it again instead of sending the question twice.
    return HttpResponseRedirect(reverse("articles:follow-up-sent", args=[slug, token]) + "#follow-up")


def follow_up_sent(request, slug, token):
    """The reader's own result: their question and the articles that best answer it (never cached, not indexed)."""
    try:
        pk = signing.loads(token, salt=FOLLOW_UP_RESULT_SALT, max_age=FOLLOW_UP_RESULT_DAYS * 24 * 3600)
    except signing.BadSignature:
        raise Http404("This link has expired or is not one of ours.") from None
    question = get_object_or_404(FollowUpQuestion.objects.select_related("article"), pk=pk, article__slug=slug)
    answer = follow_up_matches(question.text, exclude=[question.article_id], limit=5)
    sent = {"question": question, "matches": answer.articles, "understood": answer}
    response = article_detail(request, slug, follow_up_sent=sent)
    response.public_cache = None  # the reader's own answer: no shared cache may hold it
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _safe_next(request, url):
    """The page to return to: only a URL on this site, else the home page."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return "/"


@same_origin_only
@require_http_methods(["GET", "POST"])
def personalize(request):
    """ "Which best describes you?": a plain form POST that sets the audience cookie for a year."""
    if request.method == "GET":
        next_url = _safe_next(request, request.GET.get("next", ""))
        return render(request, "articles/personalize.html", {"next_url": next_url, "audience_choices": Audience.choices})
    form = AudienceForm(request.POST)
    if not form.is_valid():
        context = {"next_url": "/", "audience_choices": Audience.choices, "personalize_error": True}
        return render(request, "articles/personalize.html", context, status=400)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    audience = form.cleaned_data["audience"]
    if audience:
        response.set_cookie(
            COOKIE_NAME, audience, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=request.is_secure()
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response


@public_page(shared=settings.SEARCH_CACHE_SECONDS, browser=settings.SEARCH_CACHE_SECONDS)
def search(request):
    """Search results: public articles only, best first, with highlighted snippets."""
    raw = request.GET.get("q", "")
    query = engine.clean_query(raw)
    context = {
        "query": query,
        "too_long": len(" ".join(raw.split())) > engine.MAX_QUERY_LENGTH,
        "max_length": engine.MAX_QUERY_LENGTH,
        "page_obj": None,
        "mode": "all",
    }
    if query and engine.terms_of(query):
        articles, mode, count, number = engine.results_page(query, page_number(request), SEARCH_PAGE_SIZE)
        paginator = Paginator((), SEARCH_PAGE_SIZE)
        paginator.count = count  # counted by the page's own query (Paginator.count is a cached property)
        page = Page(engine.with_snippets(articles, query, mode), number, paginator)
        context.update(searched=True, page_obj=page, mode=mode, query_string=urlencode({"q": query}))
    if not (context["page_obj"] and context["page_obj"].object_list):
        context["topics"] = public_topics()  # offered only when nothing was found
    return render(request, "articles/search.html", context)


def page_number(request):
    """The page asked for: 1 when it is missing or not a positive whole number (a number past the
    last page is answered with the last page)."""
    number = request.GET.get("page", "").strip()
    if not (number.isascii() and number.isdigit()):
        return 1
    return max(1, min(int(number[:7]), 10**6))


HOME_TOPICS = 30


def busiest_topics(limit):
    """(topic id, public article count) of the topics with the most public articles.

    MedQuAD alone has 4,700 topics: too many to list.
    """
    counted = (
        Article.objects.public().exclude(published_topic=None).order_by().values("published_topic").annotate(n=Count("id"))
    )
    return list(counted.order_by("-n", "published_topic").values_list("published_topic", "n")[:limit])


def public_topics():
    """The busiest topics by name, each with its count of public articles (reused for 5 minutes)."""
    # Counting articles per topic takes a scan of them all: the answer is reused for 5 minutes.
    counts = dict(cache.get_or_set("home:busiest-topic-counts", lambda: busiest_topics(HOME_TOPICS), 300))
    topics = list(Topic.objects.filter(pk__in=counts).order_by("name"))
    for topic in topics:
        topic.public_count = counts[topic.pk]
    return topics


@public_page
def home(request):
    """The front page: a search box, recently reviewed and recently updated questions, and the topics."""
    public = Article.objects.public().select_related("published_topic")
    context = {
        "recently_approved": public.approved().order_by("-last_reviewed_at")[:6],
        # Updated for readers: the published text changed (approval, an update going live), not the draft.
        "recently_updated": public.order_by("-published_at")[:8],
        "topics": public_topics(),
    }
    return render(request, "articles/home.html", context)


@public_page
def topic_detail(request, slug):
    """All public articles on one topic, a page at a time."""
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.public().filter(published_topic=topic).order_by("published_question")
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "articles/topic_detail.html", {"topic": topic, "page_obj": page})
