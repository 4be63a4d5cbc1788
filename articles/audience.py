"""The reader's answer to "Which best describes you?", remembered in a cookie."""

from .models import DEFAULT_AUDIENCE, Audience

COOKIE_NAME = "audience"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def audience_of(request):
    """The reader's chosen audience, or the default version for everyone."""
    value = request.COOKIES.get(COOKIE_NAME, "")
    return value if value in Audience.values else DEFAULT_AUDIENCE
