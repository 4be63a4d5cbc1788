"""The admin site, hardened: a value in the request that cannot be used answers 400, never 500.

Django's admin converts most tampered input itself (unknown ids redirect with a message,
bad filters show "?e=1"), but not all of it: a non-numeric `_selected_action`, a year of 30
digits in the date drill-down. Every admin view, Django's and ours (auth included), runs inside
this guard; the specific holes found by tests/test_fuzz.py are also fixed where they are.
"""

import logging

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import DataError, connection

from .errors import render_error_page
from .two_factor import AdminLoginForm, two_factor_required

logger = logging.getLogger("qa_site.admin")

# Raised when a value typed or tampered with cannot become a number, date or id.
BAD_INPUT_ERRORS = (ValueError, OverflowError, ValidationError, DataError)


def check_selected_ids(view, request):
    """Refuse an action's selected ids that are not ids of the model before any query uses them."""
    model_admin = getattr(view, "__self__", None)
    if request.method != "POST" or not isinstance(model_admin, admin.ModelAdmin):
        return
    pk = model_admin.model._meta.pk
    low, high = connection.ops.integer_field_range(pk.get_internal_type()) if pk.get_internal_type().endswith("AutoField") else (None, None)
    for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
        python_value = pk.to_python(value)  # raises ValidationError for "abc"
        if low is not None and not low <= python_value <= high:
            raise ValidationError(f"Selected id out of range: {value[:40]}")


def guard_bad_input(view):
    """Wrap an admin view: conversion errors from request values answer the 400 page."""

    def guarded(request, *args, **kwargs):
        try:
            check_selected_ids(view, request)
            response = view(request, *args, **kwargs)
            # Render inside the guard: a form redrawn with a tampered value (an autocomplete id "abc")
            # fails while its widgets render, after the view has returned.
            if getattr(response, "is_rendered", True) is False:
                response.render()
            return response
        except BAD_INPUT_ERRORS as error:
            # Logged with its traceback (a warning, not an error): if this is a bug and not tampering, it shows.
            logger.warning("Admin request refused as malformed: %s %s: %r", request.method, request.path, error, exc_info=True)
            return render_error_page(400, reason="a value in it (an id, number or date) is not valid")

    guarded.__name__ = getattr(view, "__name__", "admin_view")
    guarded.__wrapped__ = view
    return guarded


class HardenedAdminSite(admin.AdminSite):
    """Django's admin site with every view guarded against malformed input, and two-factor sign-in."""

    login_form = AdminLoginForm
    login_template = "admin/login_two_factor.html"

    def has_permission(self, request):
        """Staff, and signed in with a one-time code if their role requires it (Medical reviewers)."""
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not two_factor_required(request.user)

    def admin_view(self, view, cacheable=False):
        return super().admin_view(guard_bad_input(view), cacheable)


def fix_axes_admin(site):
    """django-axes' "Clean up expired attempts" action reads a login-time attribute and fails on any other request."""
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt
    from django.utils import timezone

    if AccessAttempt not in site._registry:
        return

    class FixedAccessAttemptAdmin(AccessAttemptAdmin):
        @admin.action(description="Clean up expired attempts")
        def cleanup_expired_attempts(self, request, queryset):
            request.axes_attempt_time = timezone.now()  # what axes' login handler would have set
            return super().cleanup_expired_attempts(request, queryset)

    site.unregister(AccessAttempt)
    site.register(AccessAttempt, FixedAccessAttemptAdmin)
