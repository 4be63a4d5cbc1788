"""The review workflow's real numbers for the public pages (the editorial policy reads them from settings)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def review_interval_months():
    """How many months after approval an article is due for review again (settings.REVIEW_INTERVAL_MONTHS)."""
    return settings.REVIEW_INTERVAL_MONTHS
