"""Error pages that need neither the database nor a CSRF token, so they render whatever broke.

Django's default handlers render with the request (context processors read the session and
the user, which need the database) and are CSRF-decorated (which reads the POST body again:
a body in a charset Django refuses raised inside the 400 handler and became a 500).
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("qa_site.errors")

PAGES = {
    400: ("Bad request", "We couldn’t understand that request", "400.html"),
    403: ("Not allowed", "You can’t open this page", "403.html"),
    404: ("Page not found", "We couldn’t find that page", "404.html"),
    500: ("Something went wrong", "Something went wrong on our side", "500.html"),
    503: ("Briefly unavailable", "We’ll be back in a moment", "503.html"),
}
CSRF_PAGE = ("Form expired", "This form has expired", "403_csrf.html")
# Readers and proxies are told to come back after this many seconds.
RETRY_AFTER_SECONDS = 30
# One log line per burst of database failures: the first one, then at most one per interval.
LOG_INTERVAL_SECONDS = 60
FALLBACK_HTML = "<!doctype html><title>{title}</title><h1>{heading}</h1><p><a href=\"/\">Go to the home page</a></p>"


def render_error_page(status, *, page=None, **context):
    """The error page for this status, rendered without the request (no session, user or database)."""
    title, heading, template = page or PAGES[status]
    values = {"site_name": settings.SITE_NAME, "title": title, "heading": heading, "show_search": status != 503, **context}
    try:
        html = loader.get_template(template).render(values)
    except Exception:  # noqa: BLE001 - an error page must not fail in turn (e.g. a missing static manifest)
        html = FALLBACK_HTML.format(title=title, heading=heading)
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    """handler400: a malformed request (e.g. a form body in a charset Django refuses)."""
    return render_error_page(400)


def permission_denied(request, exception):
    """handler403."""
    return render_error_page(403)


def page_not_found(request, exception):
    """handler404."""
    return render_error_page(404)


def server_error(request):
    """handler500; a database that cannot be reached gets the 503 page instead."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable(error)
    return render_error_page(500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's token is missing or expired."""
    return render_error_page(403, page=CSRF_PAGE)


def is_database_unavailable(error):
    """True for errors that mean the database cannot be reached, not that a query is wrong."""
    # psycopg2 reports a refused or lost connection as OperationalError/InterfaceError.
    return isinstance(error, (OperationalError, InterfaceError))


class _BurstLog:
    """Logs the first failure of a burst, then at most one line per interval with the count."""

    def __init__(self, interval):
        self.interval = interval
        self.lock = threading.Lock()
        self.last_logged = None
        self.suppressed = 0

    def failure(self, error):
        with self.lock:
            now = time.monotonic()
            if self.last_logged is not None and now - self.last_logged < self.interval:
                self.suppressed += 1
                return
            suppressed, self.suppressed, self.last_logged = self.suppressed, 0, now
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        more = f" ({suppressed} more since the last line)" if suppressed else ""
        logger.error("Database unavailable, answering 503: %s: %s%s", type(error).__name__, first_line, more)


database_failures = _BurstLog(LOG_INTERVAL_SECONDS)


def database_unavailable(error):
    """The static 503 page with Retry-After; logged once per burst, without a traceback."""
    database_failures.failure(error)
    response = render_error_page(503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Django's request logger would add a traceback per request: this burst is logged already.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After when the database cannot be reached, instead of a 500 and a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(exception)
        return None

