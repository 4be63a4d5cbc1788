from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Receivers of articles.signals.publication_changed (the published copy, then the page cache), and
        # the focus dictionary kept in step with editors' saves.
        from . import cache, publishing, understanding  # noqa: F401
