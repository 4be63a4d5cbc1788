from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from . import cache  # noqa: F401  connects the page-cache invalidation signals
        from . import understanding  # noqa: F401  keeps the focus dictionary in step with editors' saves
