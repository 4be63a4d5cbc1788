"""Rebuild the follow-up focus dictionary (FocusName rows) of every article from its published focus."""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.understanding import refresh_focus_names


class Command(BaseCommand):
    help = (
        "Rebuild the focus dictionary that follow-up questions are matched against, from each article's "
        "published focus and synonyms. Publishing keeps it current; run this after an upgrade changes how names are read."
    )

    def handle(self, *args, **options):
        ids = list(Article.objects.values_list("pk", flat=True))
        refresh_focus_names(ids)
        if options["verbosity"]:
            self.stdout.write(f"Rebuilt the focus names of {len(ids)} articles.")
