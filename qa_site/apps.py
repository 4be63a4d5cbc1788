from django.contrib.admin.apps import AdminConfig


class HardenedAdminConfig(AdminConfig):
    """django.contrib.admin with qa_site.admin_site.HardenedAdminSite as `admin.site`."""

    default_site = "qa_site.admin_site.HardenedAdminSite"
