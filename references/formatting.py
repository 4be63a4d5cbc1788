"""AMA (American Medical Association, 11th ed.) style for references."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SAFE_URL_SCHEMES = ("http://", "https://")
MAX_AUTHORS = 6  # AMA: list all up to 6; for more, the first 3 then "et al".


def ama_authors(authors):
    names = [name.strip() for name in (authors or "").split(",") if name.strip()]
    if len(names) > MAX_AUTHORS:
        names = names[:3] + ["et al"]
    return ", ".join(names)


def _sentence(text):
    text = (text or "").strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def ama_html(ref):
    """Render one reference; every field is escaped, only our own markup is trusted."""
    parts = []
    authors = ama_authors(ref.authors)
    if authors:
        parts.append(format_html("{} ", _sentence(authors)))
    parts.append(format_html('<span class="ref-title">{}</span> ', _sentence(ref.title)))
    if ref.container:
        parts.append(format_html("<i>{}</i>", ref.container))
        locator = ""
        if ref.year:
            locator = f"{ref.year}"
        if ref.volume:
            locator += f";{ref.volume}"
            if ref.issue:
                locator += f"({ref.issue})"
        if ref.pages:
            locator += f":{ref.pages}"
        parts.append(format_html(". {}. ", locator) if locator else mark_safe(". "))
    elif ref.year:
        parts.append(format_html("{}. ", ref.year))
    links = []
    if ref.doi:
        links.append(format_html('doi:<a href="{}" rel="noopener">{}</a>', ref.doi_url, ref.doi))
    if ref.pmid:
        links.append(format_html('PMID: <a href="{}" rel="noopener">{}</a>', ref.pubmed_url, ref.pmid))
    if getattr(ref, "pmcid", ""):
        links.append(format_html('PMCID: <a href="{}" rel="noopener">{}</a>', ref.pmc_url, ref.pmcid))
    if ref.url and not (ref.doi or ref.pmid) and ref.url.lower().startswith(SAFE_URL_SCHEMES):
        accessed = f" Accessed {ref.accessed:%B} {ref.accessed.day}, {ref.accessed.year}." if ref.accessed else ""
        links.append(format_html('<a href="{}" rel="noopener">{}</a>{}', ref.url, ref.url, accessed))
    if links:
        parts.append(format_html_join(" ", "{}", ((link,) for link in links)))
    return mark_safe("".join(str(part) for part in parts).strip())
