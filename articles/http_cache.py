"""
HTTP caching for public pages: the headers any shared cache (Varnish, a CDN) or browser acts on.

A view opts in with ``@public_page`` (or ``public_page(seconds)(view)`` in a URLconf). Its
answer to a reader who is not logged in and holds no session becomes
``Cache-Control: public, max-age=<browser>, s-maxage=<shared cache>`` with ``Vary: Cookie``
(the page is worded for the reader's ``audience`` cookie, the one cookie a cache keeps);
``ConditionalGetMiddleware`` then adds the ``ETag`` and answers a matching conditional GET with
304. Anything personal — a logged-in user, a session, a response setting a cookie, a POST — is
``private, no-store``, so no cache ever holds it.

Public pages carry no CSRF token (it would make every reader's copy different), so the two
anonymous forms on them (follow-up question, personalize) are checked with ``same_origin_only``:
the browser's ``Origin`` header (or, where a browser sends none, the ``Referer``) must name
this site.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt


def browser_seconds():
    """How long a browser may reuse a public page without asking again (HTTP_CACHE_MAX_AGE)."""
    return settings.HTTP_CACHE_MAX_AGE


def shared_seconds():
    """How long a shared cache may hold a public page; publishing purges it sooner (HTTP_CACHE_S_MAXAGE)."""
    return settings.HTTP_CACHE_S_MAXAGE


def public_page(view=None, *, shared=None, browser=None):
    """Mark a view's answers as the same for every anonymous reader: cacheable by shared caches."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.public_cache = (
                browser_seconds() if browser is None else browser,
                shared_seconds() if shared is None else shared,
            )
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def is_personal(request):
    """True if the request belongs to someone: a session (logged in or not) or a signed-in user."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class CacheHeadersMiddleware:
    """Public pages get Cache-Control public with max-age and s-maxage; personal answers private, no-store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(response, "public_cache", None)
        shareable = (
            policy is not None
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.cookies
            and not is_personal(request)
        )
        if shareable:
            browser, shared = policy
            patch_cache_control(response, public=True, max_age=browser, s_maxage=shared)
            patch_vary_headers(response, ["Cookie"])  # the audience cookie; caches keep no other
        elif is_personal(request) or response.cookies or request.method not in ("GET", "HEAD"):
            # Staff, sessions, cookies being set and form answers: never stored anywhere but in the reader's tab.
            if "public" in response.get("Cache-Control", ""):
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response


def _origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def request_origin(request):
    """Where the form was sent from, as the browser says: its Origin, else the origin of its Referer."""
    origin = request.META.get("HTTP_ORIGIN", "")
    if origin and origin != "null":
        return origin.lower()
    return _origin_of(request.META.get("HTTP_REFERER", ""))


def site_origins(request):
    """The origins this site answers as: the request's own, and CSRF_TRUSTED_ORIGINS."""
    own = f"{request.scheme}://{request.get_host()}".lower()
    return {own, *(origin.lower() for origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", []))}


def same_origin_only(view):
    """Accept a POST only from a page of this site (Origin or Referer), instead of a per-reader CSRF token."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request_origin(request) not in site_origins(request):
            response = render(request, "403_origin.html", status=403)
            patch_cache_control(response, private=True, no_store=True)
            return response
        return view(request, *args, **kwargs)

    return wrapper
