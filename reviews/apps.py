from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Medical review"

    def ready(self):
        # Board member changes make cached pages stale (reviews/cache.py).
        from . import cache  # noqa: F401
