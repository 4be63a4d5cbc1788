from django.conf import settings

from .audience import audience_of
from .models import Audience


def site(request):
    """Site-wide template values, including the reader's chosen audience (applied on every page)."""
    audience = audience_of(request)
    return {
        "site_name": settings.SITE_NAME,
        "reader_audience": audience,
        "reader_audience_label": Audience(audience).label if audience in Audience.values else "",
    }
