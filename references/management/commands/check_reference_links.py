"""Check every reference's URL and record the result (run on a schedule in production)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from references.linkcheck import check_urls
from references.models import Reference


class Command(BaseCommand):
    help = "Check references' URLs with bounded concurrency and a timeout; record status, problem and time."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8, help="Requests at a time (default 8).")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for each answer (default 10).")
        parser.add_argument("--older-than-days", type=int, default=0, help="Only links not checked for this many days.")
        parser.add_argument("--limit", type=int, default=0, help="Check at most this many links (oldest check first).")

    def handle(self, *args, concurrency, timeout, older_than_days, limit, **options):
        if not 1 <= concurrency <= 64:
            raise CommandError("--concurrency must be between 1 and 64.")
        if not 0 < timeout <= 120:
            raise CommandError("--timeout must be more than 0 and at most 120 seconds.")
        references = Reference.objects.filter(url__regex=r"^https?://").order_by("link_checked_at", "pk")
        if older_than_days:
            cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
            references = references.filter(link_checked_at__isnull=True) | references.filter(link_checked_at__lt=cutoff)
        if limit:
            references = references[:limit]
        pairs = list(references.values_list("pk", "url"))
        counts = {"ok": 0, "moved": 0, "broken": 0}
        for (pk, _), result in zip(pairs, check_urls([url for _, url in pairs], concurrency=concurrency, timeout=timeout)):
            # Written from this thread only: the workers do HTTP, never database work.
            Reference.objects.filter(pk=pk).update(
                link_checked_at=timezone.now(), link_status=result.status, link_error=result.problem
            )
            kind = "broken" if result.broken else ("moved" if result.problem else "ok")
            counts[kind] += 1
            if kind != "ok":
                self.stdout.write(f"reference {pk}: {result.url} — {result.problem}")
        self.stdout.write(
            f"Checked {len(pairs)} link{'s' if len(pairs) != 1 else ''}: {counts['ok']} working, "
            f"{counts['moved']} moved permanently, {counts['broken']} broken."
        )
