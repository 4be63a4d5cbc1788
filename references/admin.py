from django.contrib import admin

from .models import Reference


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "container", "year", "doi", "pmid"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "doi", "pmid", "authors", "container"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["kind", "title", "authors", "container", "year"]}),
        ("Locators", {"fields": ["volume", "issue", "pages"]}),
        ("Identifiers and links", {"fields": ["doi", "pmid", "url", "accessed"]}),
    ]
