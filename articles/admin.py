"""Content editing: the article with its sections, attached references and related questions.

The ModelAdmins here edit the working copy only. Recording what was saved and every workflow
move belong to reviews.services, so `reviews.admin` registers the Article and follow-up
question admins built on these classes (articles knows nothing of reviews).
"""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from markdownx.widgets import AdminMarkdownxWidget

from . import grades, markdown_limits, pipeline
from .revisions import lay_read_audiences
from .models import (
    DEFAULT_AUDIENCE,
    AnswerSection,
    Article,
    Audience,
    Citation,
    FollowUpQuestion,
    RelatedQuestion,
    SearchSynonym,
    Topic,
)

SECTION_TEXT_FIELDS = ["body", "body_patient", "body_caregiver", "body_student", "body_professional"]
# Plain-language versions (patient, caregiver) should read at grade 8 or below.
PLAIN_LANGUAGE_MAX_GRADE = 8
AUDIENCE_LABELS = {DEFAULT_AUDIENCE: "Everyone", **dict(Audience.choices)}


def grade_is_flagged(audience, grade, levels):
    """A text patients or caregivers read above grade 8 needs simpler wording (the default one too, where
    no version was written for them)."""
    read_by_lay_readers = audience in lay_read_audiences(levels)
    return read_by_lay_readers and grade is not None and grade > PLAIN_LANGUAGE_MAX_GRADE


def reading_levels_html(levels):
    """Each version's Flesch-Kincaid grade as editors see it; texts lay readers read above grade 8 flagged."""
    if not levels:
        return "—"
    rows = []
    for audience, grade in levels.items():
        label = AUDIENCE_LABELS.get(audience, audience)
        if grade is None:
            rows.append((label, "too short to grade", ""))
        elif grade_is_flagged(audience, grade, levels) and audience == DEFAULT_AUDIENCE:
            rows.append((label, f"grade {grade}", " ⚠ above grade 8, and patients or caregivers read it: write a version for them"))
        elif grade_is_flagged(audience, grade, levels):
            rows.append((label, f"grade {grade}", " ⚠ above grade 8: simplify for patients and caregivers"))
        else:
            rows.append((label, f"grade {grade}", ""))
    return format_html_join(mark_safe("<br>"), "{}: {}<strong>{}</strong>", rows)


# Django's own formset limits: at most this many forms are built whatever TOTAL_FORMS says,
# and more is a form error, so a tampered count can neither loop nor fail.
MAX_SECTIONS = len(AnswerSection.Kind.choices)
MAX_CITATIONS = 200
MAX_RELATED = 50


class BoundedInline:
    """An inline whose formset builds at most `max_num` forms and refuses more with a message."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("validate_max", True)
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


CitationFormSet = inlineformset_factory(
    Article, Citation, fields=["key", "reference"], extra=0,
    max_num=MAX_CITATIONS, absolute_max=MAX_CITATIONS, validate_max=True,
)  # fmt: skip


class SectionFormSet(BaseInlineFormSet):
    """Blocks a save whose text cites a key that no attached reference has."""

    citation_prefix = "citations"

    def attached_keys(self):
        """The keys of the references attached in the same form (Django validates the citation rows and their count)."""
        if f"{self.citation_prefix}-TOTAL_FORMS" not in self.data:
            return set(self.instance.citations.values_list("key", flat=True)) if self.instance.pk else set()
        citations = CitationFormSet(self.data, instance=self.instance, prefix=self.citation_prefix)
        keys = set()
        for form in citations.forms:
            if form.is_valid() and form.cleaned_data.get("reference") and not form.cleaned_data.get("DELETE"):
                keys.add((form.cleaned_data.get("key") or "").strip())
        return keys - {""}

    def clean(self):
        super().clean()
        keys = self.attached_keys()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            for name in SECTION_TEXT_FIELDS:
                text = form.cleaned_data.get(name) or ""
                unknown = [key for key in dict.fromkeys(pipeline.cited_keys(text)) if key not in keys]
                for error in grades.marker_errors(text):
                    form.add_error(name, error)
                if unknown:
                    form.add_error(
                        name,
                        "Unknown citation key "
                        + ", ".join(f"[@{key}]" for key in unknown)
                        + ": attach a reference with that key below, or correct the key.",
                    )


class AnswerSectionInline(BoundedInline, admin.StackedInline):
    model = AnswerSection
    formset = SectionFormSet
    extra = 0
    max_num = MAX_SECTIONS
    fields = ["kind", "source_name", "body", "body_patient", "body_caregiver", "body_student", "body_professional", "reading_levels"]
    readonly_fields = ["reading_levels"]

    @admin.display(description="Reading level (Flesch–Kincaid grade, at last save)")
    def reading_levels(self, section):
        revision = section.article.current_revision if section.pk and section.article_id else None
        if revision is None:
            return "Computed when the article is saved."
        return reading_levels_html(revision.reading_levels.get(str(section.kind), {}))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SECTION_TEXT_FIELDS:
            kwargs["widget"] = AdminMarkdownxWidget
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in SECTION_TEXT_FIELDS:
            # Checked before rendering, so no text can hold a worker (articles/markdown_limits.py).
            field.validators.append(markdown_limits.validate_markdown)
            field.help_text = " ".join(filter(None, [str(field.help_text), markdown_limits.HELP_TEXT]))
        return field


class CitationInline(BoundedInline, admin.StackedInline):  # stacked: every field has its own label (axe)
    model = Citation
    extra = 0
    max_num = MAX_CITATIONS
    autocomplete_fields = ["reference"]
    verbose_name = "attached reference"
    verbose_name_plural = "attached references (cite them in the text as [@key])"


class RelatedQuestionInline(BoundedInline, admin.StackedInline):
    model = RelatedQuestion
    fk_name = "article"
    extra = 0
    max_num = MAX_RELATED
    autocomplete_fields = ["related"]
    verbose_name = "related question"
    verbose_name_plural = "related questions (in this order; the page fills up with similar articles)"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PlainLanguageFilter(admin.SimpleListFilter):
    """Articles whose text patients or caregivers read (their version, else the default) is above grade 8."""

    title = "plain-language reading level"
    parameter_name = "reading_level"

    def lookups(self, request, model_admin):
        return [("above8", "Above grade 8 (needs simpler wording)"), ("ok", "Grade 8 or below"), ("none", "Too short to grade")]

    def queryset(self, request, queryset):
        grade = "current_revision__plain_language_grade"
        if self.value() == "above8":
            return queryset.filter(**{f"{grade}__gt": PLAIN_LANGUAGE_MAX_GRADE})
        if self.value() == "ok":
            return queryset.filter(**{f"{grade}__lte": PLAIN_LANGUAGE_MAX_GRADE})
        if self.value() == "none":
            return queryset.filter(**{f"{grade}__isnull": True})
        return queryset


class ArticleAdmin(admin.ModelAdmin):
    """Editing an article's working copy; reviews.admin registers it with the workflow around it."""

    list_display = ["question", "status", "topic", "plain_language_grade"]
    # No topic filter: MedQuAD alone brings 4,700 topics; the search box matches topic names instead.
    list_filter = ["status", "is_demo", PlainLanguageFilter]
    search_fields = ["question", "slug", "topic__name"]
    list_select_related = ["topic", "current_revision"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topic"]
    readonly_fields = ["status"]
    fields = [
        "question", "slug", "summary", "topic", "focus", "focus_synonyms", "question_type", "credit", "is_demo", "status",
        "change_size", "change_summary",
    ]
    inlines = [AnswerSectionInline, CitationInline, RelatedQuestionInline]
    date_hierarchy = "created"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revision = self.save_content(request, form.instance)
        form.instance.refresh_from_db()
        for warning in revision.rendered.get("warnings", []) if revision else []:
            messages.warning(request, warning)

    def save_content(self, request, article):
        """Record the saved working copy (reviews.admin: through reviews.services); returns the current revision."""
        raise NotImplementedError

    @admin.display(description="Patient grade")
    def plain_language_grade(self, article):
        grade = article.current_revision.plain_language_grade if article.current_revision else None
        if grade is None:
            return "—"
        if grade > PLAIN_LANGUAGE_MAX_GRADE:
            return format_html('<strong style="color:#a61b1b">⚠ {} (above 8)</strong>', grade)
        return format_html("{}", grade)


class FollowUpQuestionAdmin(admin.ModelAdmin):
    """Triage of readers' questions: never published; answered by writing a reviewed article."""

    list_display = ["text_preview", "article", "audience", "state", "created"]
    list_filter = ["state", "audience"]
    search_fields = ["text", "article__question"]
    list_select_related = ["article", "answer_article"]
    readonly_fields = ["text", "article", "audience", "created", "client_hash", "answer_article"]
    fields = ["text", "article", "audience", "created", "state", "answer_article", "client_hash"]
    date_hierarchy = "created"
    actions = ["mark_new", "mark_answered", "mark_dismissed"]

    def has_add_permission(self, request):
        return False  # questions come from readers only

    @admin.display(description="question")
    def text_preview(self, question):
        return question.text if len(question.text) <= 120 else question.text[:119] + "…"

    def _set_state(self, request, queryset, state):
        count = queryset.exclude(state=state).update(state=state)
        label = FollowUpQuestion.State(state).label.lower()
        self.message_user(request, f"{count} question{'s' if count != 1 else ''} marked {label}.", messages.SUCCESS)

    @admin.action(description="Mark selected questions as new", permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_state(request, queryset, FollowUpQuestion.State.NEW)

    @admin.action(description="Mark selected questions as answered", permissions=["change"])
    def mark_answered(self, request, queryset):
        self._set_state(request, queryset, FollowUpQuestion.State.ANSWERED)

    @admin.action(description="Dismiss selected questions", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._set_state(request, queryset, FollowUpQuestion.State.DISMISSED)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Readers' words and ours: search finds "carcinoid" in articles that say "neuroendocrine"."""

    list_display = ["term", "alternatives"]
    search_fields = ["term", "alternatives"]
