from django.contrib import admin

from .models import Reference


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "container", "year", "doi", "pmid"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "doi", "pmid", "authors", "container"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "authors", "container", "year"]}),
        ("Locators", {"fields": ["volume", "issue", "pages"]}),
        ("Identifiers and links", {"fields": ["doi", "pmid", "url", "accessed"]}),
    ]
