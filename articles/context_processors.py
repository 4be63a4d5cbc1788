from django.conf import settings


def site(request):
    """Site-wide template values."""
    return {"site_name": settings.SITE_NAME}
