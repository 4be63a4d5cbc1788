"""The admin as the workflow screen: status, review holder, move buttons, history, diff, edit locking."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from articles.admin import ArticleAdmin, FollowUpQuestionAdmin
from articles.models import Article, FollowUpQuestion, Status

from . import permissions, services
from .diffs import revision_diff
from .models import BoardMember, BoardMemberChange, ReviewEvent

MOVE_FUNCTIONS = {
    "submit": services.article_submit,
    "resubmit": services.article_resubmit,
    "start_review": services.article_start_review,
    "take_over": services.article_take_over,
    "request_changes": services.article_request_changes,
    "approve": services.article_approve,
}
SAVE_AND_SUBMIT = "_saveandsubmit"
HOLDING = [ReviewEvent.Action.START_REVIEW, ReviewEvent.Action.TAKE_OVER]  # the moves that make a review holder

admin.site.site_header = f"{settings.SITE_NAME} editorial desk"
admin.site.site_title = f"{settings.SITE_NAME} editorial desk"
admin.site.index_title = "Articles, review and the board"
# The navigation sidebar takes a quarter of a 1280-pixel screen from every change list; the breadcrumbs
# and the home page's queue and model list lead everywhere it does.
admin.site.enable_nav_sidebar = False
CONFLICT_MESSAGE = (
    "Someone else saved this article while you were editing it. Your text is kept below and nothing was saved. "
    "Open the article in another tab to see their version, bring your changes together, then save again "
    "(saving again replaces their version with what is in this form)."
)


def error_summary(adminform, inline_admin_formsets):
    """Every error on the article form and its inlines as (where, message, anchor), for a list at the top."""
    rows = []
    if adminform is None or not adminform.form.is_bound:
        return rows
    form = adminform.form
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else "Article"
        anchor = f"id_{name}" if name in form.fields else "content-main"
        rows.extend((str(label).capitalize(), str(error), anchor) for error in errors)
    for inline in inline_admin_formsets:
        formset = inline.formset
        for error in formset.non_form_errors():
            rows.append((str(inline.opts.verbose_name_plural).capitalize(), str(error), f"{formset.prefix}-group"))
        for index, inline_form in enumerate(formset.forms):
            for name, errors in inline_form.errors.items():
                label = inline_form.fields[name].label if name in inline_form.fields else ""
                where = f"{str(inline.opts.verbose_name).capitalize()} {index + 1}" + (f", {label}" if label else "")
                rows.extend((where, str(error), f"id_{formset.prefix}-{index}-{name}") for error in errors)
    return rows


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    """The board is governed by board administrators: every change is recorded with before and after."""

    list_display = ["name", "credentials", "specialty", "user", "is_active", "is_demo"]
    list_filter = ["is_active", "is_demo"]
    search_fields = ["name", "specialty"]
    fields = ["name", "credentials", "specialty", "bio", "disclosures", "user", "is_active", "is_demo", "position"]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.has_perm("reviews.govern_board") else ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.board_member_save(member=obj, user=request.user)

    def delete_model(self, request, obj):
        services.board_member_delete(member=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            services.board_member_delete(member=member, user=request.user)


class RecordAdmin(admin.ModelAdmin):
    """A record kept for ever: readable with the view right, added, changed or deleted by nobody."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoardMemberChange)
class BoardMemberChangeAdmin(RecordAdmin):
    """The board's change log: who changed which profile, when, from what to what. Read-only for everyone."""

    list_display = ["created", "member_name", "actor", "fields_changed"]
    list_select_related = ["actor"]
    search_fields = ["member_name", "actor__username"]
    readonly_fields = ["created", "member", "member_name", "actor", "before", "after"]

    @admin.display(description="fields changed")
    def fields_changed(self, change):
        if change.before is None:
            return "created"
        if change.after is None:
            return "deleted"
        return ", ".join(change.changed_fields)


@admin.register(ReviewEvent)
class ReviewEventAdmin(RecordAdmin):
    """The audit trail: readable by staff with the view right, changed or deleted by nobody."""

    list_display = ["created", "article", "action", "from_status", "to_status", "actor", "revision"]
    list_filter = ["action", "to_status"]
    search_fields = ["article__question", "comment", "actor__username"]
    list_select_related = ["article", "actor", "revision"]
    date_hierarchy = "created"


class ReviewedArticleForm(forms.ModelForm):
    """The article form with optimistic locking: a save based on an outdated copy is refused."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Lock the row until the admin's transaction ends, so no other save slips in between.
            current = Article.objects.select_for_update().values_list("lock_version", flat=True).get(pk=self.instance.pk)
            if cleaned.get("lock_version") != current:
                # The next deliberate save goes through: the editor has now seen the warning.
                self.data = self.data.copy()
                self.data["lock_version"] = str(current)
                raise forms.ValidationError(CONFLICT_MESSAGE, code="conflict")
        return cleaned


class ReviewHolderFilter(admin.SimpleListFilter):
    title = "reviewer"
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        holders = ReviewEvent.objects.filter(action__in=HOLDING).values_list("actor", flat=True)
        users = get_user_model().objects.filter(pk__in=holders).order_by("username")
        return [(str(user.pk), user.get_full_name() or user.username) for user in users]

    def queryset(self, request, queryset):
        if self.value():
            # A user id from the URL: anything else (tampered, "abc") matches nobody rather than failing.
            holder = self.value() if self.value().isascii() and self.value().isdigit() and len(self.value()) < 19 else None
            return queryset.filter(status=Status.UNDER_REVIEW, review_holder_id=holder) if holder else queryset.none()
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue for review"), ("90days", "Due within 90 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(pk__in=Article.objects.overdue_for_review(today).values("pk"))
        if self.value() == "90days":
            return queryset.approved().filter(next_review_due__gte=today, next_review_due__lte=today + timezone.timedelta(days=90))
        return queryset


def parse_month(value: str):
    """“2026-11” (an <input type=month>) as the month's first day; blank means the approval month."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise ValueError(f"“{value[:20]}” is not a month: give it as YYYY-MM, e.g. 2026-11.") from None


@admin.register(Article)
class ReviewedArticleAdmin(ArticleAdmin):
    """ArticleAdmin plus the review workflow (the parent stays in charge of content editing)."""

    form = ReviewedArticleForm
    change_form_template = "reviews/admin/article_change_form.html"

    class Media:
        css = {"all": ["reviews/admin.css"]}
        js = ["reviews/article_admin.js"]

    # Extend the parent's columns and filters at request time, so columns other apps add survive.
    def get_list_display(self, request):
        return [*super().get_list_display(request), "review_holder_name", "next_review_due"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ReviewHolderFilter, ReviewDueFilter]

    def get_queryset(self, request):
        latest_start = ReviewEvent.objects.filter(article=OuterRef("pk"), action__in=HOLDING).order_by(
            "-created", "-id"
        )
        # The holder's id and name in the same query, so the change list costs no query per row.
        full_name = Concat("actor__first_name", Value(" "), "actor__last_name", output_field=CharField())
        return (
            super()
            .get_queryset(request)
            .annotate(
                review_holder_id=Subquery(latest_start.values("actor")[:1]),
                review_holder_username=Subquery(latest_start.values("actor__username")[:1]),
                review_holder_full_name=Subquery(latest_start.annotate(n=full_name).values("n")[:1]),
            )
        )

    @admin.display(description="review held by")
    def review_holder_name(self, obj):
        if obj.status != Status.UNDER_REVIEW or not obj.review_holder_id:
            return "—"
        return (obj.review_holder_full_name or "").strip() or obj.review_holder_username

    # --- Saving: optimistic locking; the working copy goes through reviews.services. ---

    def save_model(self, request, obj, form, change):
        if change:
            # Article.save() never writes the workflow fields, whatever the form's copy holds.
            current = Article.objects.select_for_update().values_list("lock_version", flat=True).get(pk=obj.pk)
            obj.lock_version = current + 1
        super().save_model(request, obj, form, change)

    def save_content(self, request, article):
        # "Save and submit for review": one step, offered only to those who may submit (see the template).
        submit = SAVE_AND_SUBMIT in request.POST and permissions.has_move_permission(request.user, "submit")
        saved = services.article_save_content(article=article, user=request.user, submit=submit)
        if submit and saved.article.status == Status.SUBMITTED:
            messages.success(request, "Saved and submitted for review: the article waits for a board member.")
        elif saved.restarted_review and saved.article.status == Status.DRAFT:
            messages.warning(
                request,
                "You changed approved content, so this update is back to Draft. "
                "Readers keep seeing the approved version until this revision is submitted and approved.",
            )
        elif saved.restarted_review:
            messages.warning(
                request,
                "You changed content under review, so the review starts again: the article is back to Submitted "
                "and waits for a board member.",
            )
        return saved.revision

    def _stay_on_the_article(self, request, obj, response):
        if SAVE_AND_SUBMIT in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._stay_on_the_article(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._stay_on_the_article(request, obj, super().response_change(request, obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_save_and_submit"] = permissions.has_move_permission(request.user, "submit") and (
            obj is None or obj.status == Status.DRAFT
        )
        context["error_summary"] = error_summary(context.get("adminform"), context.get("inline_admin_formsets", []))
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- The workflow buttons. ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/review/<str:move>/",
                self.admin_site.admin_view(self.review_move_view),
                name="%s_%s_review_move" % info,
            )
        ]
        return own + super().get_urls()

    def review_move_view(self, request, object_id, move):
        """POST one workflow move; the outcome is reported as a message on the change page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # get_object() treats a malformed id (non-numeric, too large) as missing, as Django's own views do.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        function = MOVE_FUNCTIONS.get(move)
        if function is None:
            self.message_user(request, "Unknown review move.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        comment = request.POST.get("comment", "")
        options = {}
        if move == "approve":
            try:
                options["evidence_through"] = parse_month(request.POST.get("evidence_through", ""))
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(change_url)
        try:
            article = function(article=article, user=request.user, comment=comment, **options)
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            label = permissions.MOVES[move].label
            self.message_user(
                request, f"“{label}” done: the article is now {Status(article.status).label}.", messages.SUCCESS
            )
        return HttpResponseRedirect(change_url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # get_object() (not filter(pk=...)) so a malformed id gets Django's own "doesn't exist" redirect.
        article = self.get_object(request, unquote(object_id))
        if article is not None:
            extra_context = {**(extra_context or {}), **self.workflow_context(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, article):
        """Status, holder, the buttons this user may press, the history and the diff for reviewers."""
        user = request.user
        moves = [
            {"name": rule.name, "label": rule.label, "comment_required": rule.needs_comment,
             "comment_hint": "say what you changed" if rule.name == "resubmit" else "say what to change",
             "url": reverse("admin:articles_article_review_move", args=[article.pk, rule.name])}
            for rule in permissions.allowed_moves(user, article)
        ]  # fmt: skip
        is_reviewer = permissions.has_move_permission(user, "start_review") or permissions.has_move_permission(user, "approve")
        four_eyes_blocked = (
            article.status == Status.UNDER_REVIEW
            and permissions.has_move_permission(user, "approve")
            and permissions.wrote_text_under_review(user, article)
        )
        no_board_profile = (
            article.status == Status.UNDER_REVIEW
            and permissions.has_move_permission(user, "approve")
            and permissions.board_member_of(user) is None
        )
        base, base_kind = services.diff_base(article)
        shows_diff = is_reviewer and article.current_revision_id != (base.pk if base else None)
        holder = services.review_holder(article)
        events = list(article.review_events.select_related("actor", "revision").order_by("-created", "-id"))
        requested = next((e for e in events if e.action == ReviewEvent.Action.REQUEST_CHANGES), None)
        return {
            "workflow": {
                "status": Status(article.status).label,
                "holder": holder,
                "next_step": self.next_step(article, holder),
                "changes_requested": requested if permissions.changes_requested(article) else None,
                "moves": moves,
                "events": events,
                "four_eyes_blocked": four_eyes_blocked,
                "no_board_profile": no_board_profile,
                "live_revision": article.live_revision,
                "current_revision": article.current_revision,
                "diff": revision_diff(base, article.current_revision) if shows_diff else None,
                "diff_base": base,
                "diff_base_kind": base_kind,
                "public_url": article.get_absolute_url(),
                # Approval asks for the evidence month and shows what the change log will say.
                "this_month": timezone.localdate().strftime("%Y-%m"),
                "change_note": (article.get_change_size_display(), article.change_summary),
                "retracted": services.unnoted_retractions(article) if article.current_revision_id else [],
            }
        }

    @staticmethod
    def next_step(article, holder):
        """One line on what happens next, in the editors' words."""
        if article.status == Status.DRAFT:
            if article.live_revision_id:
                return "Readers see the approved version until this edit is submitted and approved."
            return "Private draft: readers cannot see it until it is submitted for review."
        if article.status == Status.SUBMITTED:
            return "Waiting for a Medical Advisory Board member to start the review."
        if article.status == Status.UNDER_REVIEW:
            who = (holder.get_full_name() or holder.username) if holder else "a board member"
            return f"Being reviewed by {who}. Editing the text now restarts the review."
        return "Approved. Editing starts a new review; submit it again when it is due for review."


def _unique_slug(text):
    base = slugify(text)[:180] or "follow-up-question"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@admin.register(FollowUpQuestion)
class ReviewedFollowUpQuestionAdmin(FollowUpQuestionAdmin):
    """Triage, plus turning a reader's question into a private Draft article through reviews.services."""

    actions = [*FollowUpQuestionAdmin.actions, "make_draft_article"]

    class Media:
        css = {"all": ["reviews/admin.css"]}

    def has_add_article_permission(self, request):
        return request.user.has_perm("articles.add_article")

    @admin.action(description="Turn into a new draft article", permissions=["change", "add_article"])
    def make_draft_article(self, request, queryset):
        created, skipped = [], 0
        for question in queryset.select_related("article__topic"):
            if question.answer_article_id:
                skipped += 1
                continue
            with transaction.atomic():
                text = " ".join(question.text.split())
                article = Article.objects.create(
                    question=text[:300],
                    slug=_unique_slug(text[:120]),
                    topic=question.article.topic if question.article else None,
                    created_by=request.user,
                )
                services.article_save_content(article=article, user=request.user)
                question.answer_article = article
                question.save(update_fields=["answer_article"])
            created.append(article)
        for article in created:
            url = reverse("admin:articles_article_change", args=[article.pk])
            self.message_user(request, format_html('Draft article created: <a href="{}">{}</a>', url, article.question), messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} question{'s' if skipped != 1 else ''} already had an article and {'were' if skipped != 1 else 'was'} skipped.", messages.WARNING)
