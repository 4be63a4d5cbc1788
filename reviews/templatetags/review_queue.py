"""The review queue on the admin home page."""

from django import template

from reviews import permissions, services

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context, limit=25):
    """Articles waiting for review, oldest first, for staff who review or submit; None for others."""
    user = context["request"].user
    if not (permissions.has_move_permission(user, "start_review") or permissions.has_move_permission(user, "submit")):
        return None
    return services.review_queue(limit)
