"""Rendering a text alone, as a section with no attached references would be (for tests of the pipeline)."""

from articles.pipeline import CitationNumbering, render_section


def markdown_to_html(text):
    """Sanitised HTML of one Markdown text through the site's pipeline (citations left as typed)."""
    return render_section(text, CitationNumbering(), known_keys=set())[0]
