"""Hostile input everywhere a staff member or a reader can type: never a 5xx.

Every admin change list filter (and search, ordering, page, date drill-down), change, delete and
history view, action, autocomplete and review button, the article form's formset management
fields and autocomplete values, and every public page, form and query parameter get malformed
ids, NUL bytes, huge numbers, odd digits and odd encodings. The counts by status class are
printed (run with -s to see them).
"""

from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.models import FollowUpQuestion, Status
from reviews import permissions
from tests.factories import article_admin_data, make_article, make_reference, make_topic, make_user

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

HOSTILE = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1" * 30,
    str(10**30),
    "\x00",
    "1\x00",
    "²",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() says yes, the database may not
    "1e309",
    "NaN",
    "",
    " ",
    "%",
    "'; --",
    "<script>alert(1)</script>",
    "é" * 300,
]
# Raw query strings the test client would otherwise encode for us: bad percent-escapes, invalid UTF-8.
RAW_QUERIES = ["%ff%fe", "a=%00", "%", "q=%E9", "p=%C0%AF", "o=1.2.3.-", "e=1"]
ODD_CHARSETS = ["utf-16", "latin-1", "x-unknown"]


class Fuzzer:
    """Sends requests with one client, counting answers by status class and keeping every 5xx."""

    def __init__(self, client):
        self.client = client
        self.counts = Counter()
        self.failures = []

    def record(self, method, url, response):
        self.counts[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            self.failures.append(f"{method} {url!r} -> {response.status_code}")

    def get(self, path, params=None, raw_query=None):
        extra = {"QUERY_STRING": raw_query} if raw_query is not None else {}
        response = self.client.get(path, params or {}, **extra)
        self.record("GET", f"{path}?{raw_query if raw_query is not None else params}", response)

    def post(self, path, data=None, label=None, **extra):
        response = self.client.post(path, data or {}, **extra)
        self.record("POST", f"{path} {label or str(data)[:120]}", response)

    def post_raw(self, path, body, charset):
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
        response = self.client.generic("POST", path, body, content_type=content_type)
        self.record("POST", f"{path} ({charset})", response)


@pytest.fixture
def world():
    """A little of everything the admin lists: articles in each state, references, topics, questions."""
    topic = make_topic("Oncology")
    reference = make_reference(title="A study", year=2020)
    approved = make_article(status=Status.APPROVED, topic=topic, guidelines="Cited [@a].", references={"a": reference})
    under_review = make_article(status=Status.UNDER_REVIEW, topic=topic, guidelines="Text.")
    FollowUpQuestion.objects.create(article=approved, text="What about children?", client_hash="x")
    return {"approved": approved, "under_review": under_review, "reference": reference, "topic": topic}


@pytest.fixture
def fuzzer(world):
    """A superuser's client that returns 5xx responses instead of raising."""
    user = make_user("fuzz-admin", superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    fuzzer = Fuzzer(client)
    fuzzer.user = user
    return fuzzer


def changelist_parameters(model_admin, user):
    """Every query parameter the change list understands: its filters, date drill-down, search, order, page."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = {"q", "o", "p", "e", "all", "_to_field", "_popup"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


def report(fuzzer, what):
    line = f"fuzz {what} ({connection.vendor}): {sum(fuzzer.counts.values())} requests, by status class: {dict(sorted(fuzzer.counts.items()))}"
    print("\n" + line)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "fuzz-counts.txt").open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])


def test_admin_change_lists_filters_and_views(fuzzer):
    """Hostile values in every change list parameter and object id of every admin page answer below 500."""
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:%s_%s_changelist" % info)
        for name in changelist_parameters(model_admin, fuzzer.user):
            for value in HOSTILE:
                fuzzer.get(changelist, {name: value})
        for raw in RAW_QUERIES:
            fuzzer.get(changelist, raw_query=raw)
        for object_id in HOSTILE + ["1" * 400]:
            quoted = quote(object_id, safe="") or "%20"
            for view in ("change", "delete", "history"):
                fuzzer.get(f"{changelist}{quoted}/{view}/")
    report(fuzzer, "admin change lists and object views")


def test_admin_actions(fuzzer):
    """Every action with hostile selections, index and select-across values answers below 500."""
    request = RequestFactory().get("/")
    request.user = fuzzer.user
    for model, model_admin in admin.site._registry.items():
        changelist = reverse("admin:%s_%s_changelist" % (model._meta.app_label, model._meta.model_name))
        for action in list(model_admin.get_actions(request)) + ["no_such_action"]:
            for value in HOSTILE:
                fuzzer.post(changelist, {"action": action, "_selected_action": [value, "1"], "index": "0"}, label=f"{action} selected={value[:30]!r}")
                fuzzer.post(changelist, {"action": action, "_selected_action": "1", "index": value, "select_across": value}, label=f"{action} index={value[:30]!r}")
    report(fuzzer, "admin actions")


def test_admin_autocomplete(fuzzer):
    """The autocomplete endpoint with hostile terms, pages and field names answers below 500."""
    url = reverse("admin:autocomplete")
    fields = [("articles", "article", "topic"), ("articles", "citation", "reference"), ("articles", "relatedquestion", "related")]
    for app_label, model_name, field_name in fields:
        for value in HOSTILE:
            base = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
            fuzzer.get(url, {**base, "term": value})
            fuzzer.get(url, {**base, "term": "a", "page": value})
            fuzzer.get(url, {**base, "field_name": value})
            fuzzer.get(url, {**base, "model_name": value})
    report(fuzzer, "admin autocomplete")


def test_admin_review_buttons(fuzzer, world):
    """The review-button URLs with hostile article ids, move names and comments answer below 500."""
    article = world["under_review"]
    for value in HOSTILE + ["1" * 400]:
        quoted = quote(value, safe="") or "%20"
        for move in permissions.MOVES:
            fuzzer.post(f"/admin/articles/article/{quoted}/review/{move}/", {"comment": "ok"})
            fuzzer.get(f"/admin/articles/article/{quoted}/review/{move}/")
        fuzzer.post(f"/admin/articles/article/{article.pk}/review/{quoted}/", {"comment": "ok"})
        fuzzer.post(f"/admin/articles/article/{article.pk}/review/request_changes/", {"comment": value})
    report(fuzzer, "admin review buttons")


def test_admin_article_form_tampered(fuzzer, world):
    """Tampered formset management forms and autocomplete values on the article form answer below 500."""
    article = world["approved"]
    url = f"/admin/articles/article/{article.pk}/change/"
    fields = [
        f"{prefix}-{part}" for prefix in ("sections", "citations", "related_links")
        for part in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    ] + ["topic", "citations-0-reference", "citations-0-id", "sections-0-id", "sections-0-kind", "lock_version", "slug"]
    # A valid form saves (slow): values are chosen to be refused, plus counts just above the limits.
    values = [value for value in HOSTILE if value not in ("0", "")] + ["5000"]
    for name in fields:
        for value in values:
            data = article_admin_data(article, **{"summary": "Changed by the fuzzer."})
            data[name] = value
            fuzzer.post(url, data, label=f"{name}={value[:40]!r}")
        fuzzer.post("/admin/articles/article/add/", {**data, "slug": "fuzz-new"})
    for charset in ODD_CHARSETS:
        fuzzer.post_raw(url, "question=x&summary=y".encode("utf-16" if charset == "utf-16" else "latin-1"), charset)
    report(fuzzer, "admin article form")


def test_public_pages_forms_and_parameters(fuzzer, world, client):
    """Every public page, form and query parameter with hostile values and encodings answers below 500."""
    fuzzer.client = Client(raise_request_exception=False)  # a reader, not signed in
    article = world["approved"]
    follow_up = article.get_absolute_url() + "follow-up/"
    pages = ["/", "/search/", article.get_absolute_url(), world["topic"].get_absolute_url(), "/medical-advisory-board/",
             "/editorial-policy/", "/disclaimer/", "/sitemap.xml", "/feeds/approved/", "/robots.txt", "/personalize/"]
    for page in pages:
        for name in ("q", "page", "p", "next", "audience"):
            for value in HOSTILE:
                fuzzer.get(page, {name: value})
        for raw in RAW_QUERIES:
            fuzzer.get(page, raw_query=raw)
    for value in HOSTILE:
        fuzzer.get(f"/articles/{quote(value, safe='') or '%20'}/")
        fuzzer.get(f"/topics/{quote(value, safe='') or '%20'}/")
        fuzzer.post("/personalize/", {"audience": value, "next": value})
        fuzzer.post(follow_up, {"text": f"Is this question about {value} safe to ask?", "website": ""})
        fuzzer.post(follow_up, {"text": value, "website": value})
    for charset in ODD_CHARSETS:
        for path in ("/personalize/", follow_up):
            fuzzer.post_raw(path, "audience=patient&text=Is caf\xe9 safe?".encode("utf-16" if charset == "utf-16" else "latin-1"), charset)
    report(fuzzer, "public pages and forms")
