from django.conf import settings

from .audience import audience_of
from .models import Audience


def site_url_of(request):
    """The site's absolute origin: SITE_URL where set (production), else the request's own."""
    return (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")


def site(request):
    """Site-wide template values, including the reader's chosen audience (applied on every page)."""
    audience = audience_of(request)
    site_url = site_url_of(request)
    return {
        "site_name": settings.SITE_NAME,
        "site_url": site_url,
        # The page's one address for search engines and link previews: no query string.
        "canonical_url": site_url + request.path,
        "reader_audience": audience,
        "reader_audience_label": Audience(audience).label if audience in Audience.values else "",
    }
