from django.contrib.admin.apps import AdminConfig


class HardenedAdminConfig(AdminConfig):
    """django.contrib.admin with qa_site.admin_site.HardenedAdminSite as `admin.site`."""

    default_site = "qa_site.admin_site.HardenedAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        from .admin_site import fix_axes_admin

        fix_axes_admin(admin.site)
