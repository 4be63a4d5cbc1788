"""Content editing: the article with its sections, attached references and related questions."""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from markdownx.widgets import AdminMarkdownxWidget

from . import pipeline
from .models import AnswerSection, Article, Citation, FollowUpQuestion, RelatedQuestion, Topic
from .revisions import record_revision

SECTION_TEXT_FIELDS = ["body", "body_patient", "body_caregiver", "body_student", "body_professional"]


class SectionFormSet(BaseInlineFormSet):
    """Blocks a save whose text cites a key that no attached reference has."""

    citation_prefix = "citations"

    def attached_keys(self):
        total = self.data.get(f"{self.citation_prefix}-TOTAL_FORMS")
        if total is None:
            return set(self.instance.citations.values_list("key", flat=True)) if self.instance.pk else set()
        keys = set()
        for i in range(int(total) if str(total).isdigit() else 0):
            prefix = f"{self.citation_prefix}-{i}-"
            key = (self.data.get(prefix + "key") or "").strip()
            if key and not self.data.get(prefix + "DELETE") and self.data.get(prefix + "reference"):
                keys.add(key)
        return keys

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
                if unknown:
                    form.add_error(
                        name,
                        "Unknown citation key "
                        + ", ".join(f"[@{key}]" for key in unknown)
                        + ": attach a reference with that key below, or correct the key.",
                    )


class AnswerSectionInline(admin.StackedInline):
    model = AnswerSection
    formset = SectionFormSet
    extra = 0
    max_num = len(AnswerSection.Kind.choices)
    fields = ["kind", "source_name", "body", "body_patient", "body_caregiver", "body_student", "body_professional"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SECTION_TEXT_FIELDS:
            kwargs["widget"] = AdminMarkdownxWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["reference"]
    verbose_name = "attached reference"
    verbose_name_plural = "attached references (cite them in the text as [@key])"


class RelatedQuestionInline(admin.TabularInline):
    model = RelatedQuestion
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["related"]
    verbose_name = "related question"
    verbose_name_plural = "related questions (in this order; the page fills up with similar articles)"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["question", "status", "topic", "is_demo", "modified"]
    list_filter = ["status", "topic", "is_demo"]
    search_fields = ["question", "slug"]
    list_select_related = ["topic"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topic"]
    readonly_fields = ["status"]
    fields = ["question", "slug", "summary", "topic", "credit", "is_demo", "status"]
    inlines = [AnswerSectionInline, CitationInline, RelatedQuestionInline]
    date_hierarchy = "created"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revision, created = record_revision(form.instance, user=request.user)
        form.instance.refresh_from_db()
        self.revision_saved(request, form.instance, revision, created)

    def revision_saved(self, request, article, revision, created):
        """Hook for the review workflow; reports citation warnings to the editor."""
        for warning in revision.rendered.get("warnings", []):
            messages.warning(request, warning)


@admin.register(FollowUpQuestion)
class FollowUpQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "audience", "state", "created"]
    list_filter = ["state", "audience"]
    search_fields = ["text"]
    readonly_fields = ["text", "article", "audience", "created", "client_hash"]
