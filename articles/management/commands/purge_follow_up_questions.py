"""Delete answered and dismissed follow-up questions older than FOLLOW_UP_RETENTION_DAYS."""

from django.core.management.base import BaseCommand

from articles.follow_up import purge_old_questions, retention_days


class Command(BaseCommand):
    help = (
        "Delete answered and dismissed follow-up questions older than FOLLOW_UP_RETENTION_DAYS (new ones are "
        "kept until an editor triages them) and clear client hashes older than an hour. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = purge_old_questions()
        self.stdout.write(
            f"Deleted {deleted} answered or dismissed follow-up question(s) older than {retention_days()} days."
        )
