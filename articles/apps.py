from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Receivers of articles.signals.publication_changed: the published copy, then the page cache.
        from . import cache, publishing  # noqa: F401
