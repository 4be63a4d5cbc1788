"""Compute and store the related questions of every public article that has none stored (after a bulk import)."""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.related import store_related


class Command(BaseCommand):
    help = "Store the related questions of public articles that have none stored yet (--all: recompute every one)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every public article's list.")

    def handle(self, *args, **options):
        public = Article.objects.public()
        if not options["all"]:
            public = public.filter(published_related__isnull=True)
        ids = list(public.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            store_related(ids[start : start + 500])
        self.stdout.write(f"Stored related questions for {len(ids)} articles.")
