from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import importing, retractions
from .models import Reference, normalize_doi


def admin_link(reference):
    """“reference N (title)” linking to its admin page, for messages and errors."""
    url = reverse("admin:references_reference_change", args=[reference.pk])
    return format_html('<a href="{}">reference {}</a> (“{}”)', url, reference.pk, reference.title)


class ReferenceForm(forms.ModelForm):
    """Refuses a DOI or PMID that another reference holds, naming and linking that reference."""

    class Meta:
        model = Reference
        fields = ["doi", "pmid"]  # the admin adds the others from its fieldsets

    def _check_unique(self, name, value):
        if not value:
            return value
        other = Reference.objects.filter(**{name: value}).exclude(pk=self.instance.pk).first()
        if other is not None:
            label = Reference._meta.get_field(name).verbose_name
            raise ValidationError(
                format_html("{} is already {}: one source is one reference, cite that one.", label, admin_link(other))
            )
        return value

    def clean_doi(self):
        return self._check_unique("doi", normalize_doi(self.cleaned_data.get("doi")))

    def clean_pmid(self):
        return self._check_unique("pmid", (self.cleaned_data.get("pmid") or "").strip())


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A PubMed export (.nbib, “Send to › Citation manager”), a .ris or a .bib file.")
    text = forms.CharField(
        required=False,
        label="or paste the records",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(
        choices=[("", "Recognise it")] + list(importing.FORMATS.items()), required=False, label="Format"
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > importing.MAX_IMPORT_BYTES:
                raise ValidationError(
                    f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                    f"{importing.MAX_IMPORT_BYTES // 1024 // 1024} MB. Export fewer records at a time."
                )
            raw = upload.read()
        else:
            raw = (data.get("text") or "").encode("utf-8")
        if not raw.strip():
            raise ValidationError("Choose a file or paste the records.")
        try:
            data["records_text"] = importing.decode(raw)
            data["detected"], data["plan"] = importing.plan_import(data["records_text"], data.get("format") or "")
        except importing.ImportRefused as error:
            raise ValidationError(f"{error} Nothing was imported.") from None
        return data


class RetractionImportForm(forms.Form):
    file = forms.FileField(help_text="The Retraction Watch database CSV (or the rows of it you need).")


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    form = ReferenceForm
    list_display = ["title", "kind", "container", "year", "doi", "pmid", "is_retracted", "link_state"]
    list_filter = ["kind", "is_retracted", "year"]
    search_fields = ["title", "doi", "pmid", "pmcid", "authors", "container"]
    readonly_fields = ["link_checked_at", "link_status", "link_error"]
    change_list_template = "admin/references/reference/change_list.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["kind", "title", "authors", "container", "year"]}),
        ("Locators", {"fields": ["volume", "issue", "pages"]}),
        ("Identifiers and links", {"fields": ["doi", "pmid", "pmcid", "url", "accessed"]}),
        ("Retraction", {"fields": ["is_retracted", "retraction_note"]}),
        ("Link check (manage.py check_reference_links)", {"fields": ["link_checked_at", "link_status", "link_error"]}),
    ]

    @admin.display(description="link")
    def link_state(self, reference):
        if not reference.url or reference.link_checked_at is None:
            return "—"
        if reference.link_is_broken:
            return format_html('<strong style="color:#a61b1b">broken ({})</strong>', reference.link_status or reference.link_error)
        return format_html("{}", reference.link_status)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="references_reference_import"),
            path(
                "import-retractions/",
                self.admin_site.admin_view(self.import_retractions_view),
                name="references_reference_import_retractions",
            ),
        ] + super().get_urls()

    def _page(self, request, template, context, status=200):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        return TemplateResponse(request, template, context, status=status)

    def import_view(self, request):
        """Import PubMed, RIS or BibTeX: a preview of what would be created or matched, then the save."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._page(request, "admin/references/reference/import.html", {"form": ImportForm(), "title": "Import references"})
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            context = {"form": form, "title": "Import references"}
            return self._page(request, "admin/references/reference/import.html", context, status=400)
        plan = form.cleaned_data["plan"]
        if "confirm" not in request.POST:
            context = {
                "form": form,
                "title": "Import references: preview",
                "plan": plan,
                "detected": importing.FORMATS[form.cleaned_data["detected"]],
                "records_text": form.cleaned_data["records_text"],
                "to_create": sum(item.action == "create" for item in plan),
                "to_match": sum(item.action == "match" for item in plan),
            }
            return self._page(request, "admin/references/reference/import.html", context)
        created, matched = importing.apply_plan(plan)
        if created:
            self.message_user(request, f"Created {len(created)} reference{'s' if len(created) != 1 else ''}.", messages.SUCCESS)
        for reference in matched:
            self.message_user(request, format_html("Matched existing {}: not duplicated.", admin_link(reference)), messages.INFO)
        return HttpResponseRedirect(reverse("admin:references_reference_changelist"))

    def import_retractions_view(self, request):
        """Flag retracted papers from a Retraction Watch CSV the editor supplies."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        template, title = "admin/references/reference/import_retractions.html", "Flag retractions from a Retraction Watch CSV"
        if request.method != "POST":
            return self._page(request, template, {"form": RetractionImportForm(), "title": title})
        form = RetractionImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = retractions.import_retractions(form.cleaned_data["file"])
            except importing.ImportRefused as error:
                form.add_error("file", f"{error} Nothing was flagged.")
            else:
                self.message_user(
                    request,
                    f"Read {report.rows:,} rows: {len(report.flagged)} reference{'s' if len(report.flagged) != 1 else ''} "
                    f"newly flagged as retracted, {len(report.already)} already flagged.",
                    messages.SUCCESS,
                )
                for reference in report.flagged:
                    self.message_user(request, format_html("Flagged {} as retracted.", admin_link(reference)), messages.WARNING)
                return HttpResponseRedirect(reverse("admin:references_reference_changelist"))
        return self._page(request, template, {"form": form, "title": title}, status=400)
