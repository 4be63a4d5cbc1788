"""python manage.py import_medquad PATH [--limit N]: NIH answers from MedQuAD as Submitted articles.

It lives in reviews because every article it creates or updates goes through reviews.services.
"""

import gzip
import multiprocessing
import os
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from tqdm import tqdm

from articles.importing import MalformedRow, parse_line
from reviews.imports import medquad_importer

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "medquad" / "medquad.jsonl.gz"


def open_lines(path):
    """The file's lines as text, gzip or not."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


class Command(BaseCommand):
    help = (
        "Import MedQuAD question-answer pairs (JSON lines, optionally gzipped) as articles pending review. "
        "Re-running updates the same articles in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help=f"JSONL or JSONL.gz file (default: {DEFAULT_PATH})")
        parser.add_argument("--limit", type=int, default=None, help="Import only the first N lines.")
        parser.add_argument("--chunk-size", type=int, default=500, help="Rows written per transaction (default 500).")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Processes rendering answers (default: the CPU count, at most 4; 1 renders in this process).",
        )

    def handle(self, *args, path, limit, chunk_size, workers, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more.")
        started = time.monotonic()
        with open_lines(path) as lines:
            total = sum(1 for line in lines if line.strip())
        total = min(total, limit) if limit else total

        pool = None
        # Rendering is CPU-bound, so worker processes help; they are forked before this process
        # holds a database connection (and never inside a caller's transaction, e.g. a test's).
        if workers > 1 and total > chunk_size and not connection.in_atomic_block:
            connections.close_all()
            pool = multiprocessing.get_context("fork").Pool(workers)
        importer = medquad_importer(pool=pool)
        progress = tqdm(total=total, unit="pair", disable=not sys.stderr.isatty(), file=sys.stderr)
        counter = {"read": 0}

        def chunks(lines):
            """Lists of (line number, entry) from the file; malformed lines are recorded and skipped."""
            chunk = []
            for line_no, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                if limit and counter["read"] >= limit:
                    break
                counter["read"] += 1
                try:
                    chunk.append((line_no, importer.entry_for(parse_line(line))))
                except MalformedRow as error:
                    importer.result.errors.append((line_no, str(error)))
                    progress.update(1)
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        try:
            with open_lines(path) as lines:
                for done, _ in importer.import_chunks(chunks(lines)):
                    progress.update(done)
        finally:
            progress.close()
            if pool is not None:
                pool.close()
                pool.join()
        read = counter["read"]

        result = importer.result
        if result.created or result.updated:
            refresh_planner_statistics()
        for line_no, message in sorted(result.errors):
            self.stderr.write(f"{path.name}, line {line_no}: skipped: {message}")
        seconds = time.monotonic() - started
        summary = (
            f"Read {read} lines from {path.name} in {seconds:.1f} s: {result.created} articles created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"kept editor changes: {result.kept_editor_changes}, {len(result.errors)} lines skipped. "
            "New articles are Submitted (pending review); updates of approved articles await review while "
            "readers keep the approved text."
        )
        if read and len(result.errors) >= read:
            raise CommandError(f"Every line failed. {summary}")
        self.stdout.write(self.style.SUCCESS(summary) if not result.errors else self.style.WARNING(summary))


def refresh_planner_statistics():
    """After a bulk load, PostgreSQL's planner still counts the old rows until autovacuum runs:
    analyse now so the first readers' queries get the right plans (no-op on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
