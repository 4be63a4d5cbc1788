"""Template helpers for graded guideline statements."""

from django import template

from articles import grades

register = template.Library()
ORDER = [item["grade"] for item in grades.legend()]


@register.filter
def distinct_grades(statements):
    """The grades used by these statements, once each, strongest first."""
    used = {item["grade"] for item in statements or []}
    return [grades.describe(grade) for grade in ORDER if grade in used]


@register.simple_tag
def grade_legend():
    """Every grade with its plain words (the editorial policy's table)."""
    return grades.legend()
