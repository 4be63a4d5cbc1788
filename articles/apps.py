from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Receivers of articles.signals.publication_changed, called in this order: the published copy,
        # then the stored related questions and the focus dictionary (they read it), the page cache and purges.
        from . import publishing  # noqa: F401  isort: skip
        from . import cache, purge, related, understanding  # noqa: F401
