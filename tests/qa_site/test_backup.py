"""Backup and restore: scripts/backup.sh then scripts/restore.sh into a fresh database gives the same rows."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Status
from tests.factories import make_article, make_reference

ROOT = Path(__file__).resolve().parents[2]


def database_url(name):
    """A postgres:// URL for database `name` on the test server."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def row_counts(url):
    """Rows per table in the public schema of the database at `url`."""
    query = (
        "SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text "
        "FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    out = subprocess.run(["psql", url, "-tA", "-F", "\t", "-c", query], capture_output=True, text=True, check=True).stdout
    return {table: int(count) for table, count in (line.split("\t") for line in out.splitlines() if line)}


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_row_for_row(tmp_path):
    """A populated database dumped by backup.sh and restored by restore.sh has the same rows in every table."""
    if connection.vendor != "postgresql":
        pytest.skip("Backups use pg_dump/pg_restore: this test runs in the PostgreSQL pass (DATABASE_URL=postgres://...).")
    reference = make_reference(title="A guideline", year=2024)
    make_article(status=Status.APPROVED, guidelines="Cited [@g].", references={"g": reference})
    make_article(status=Status.SUBMITTED, guidelines="Pending text.")
    source = database_url(connection.settings_dict["NAME"])
    restored_name = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}"
    admin_url = database_url("postgres")
    subprocess.run(["psql", admin_url, "-c", f'DROP DATABASE IF EXISTS "{restored_name}"'], check=True, capture_output=True)
    subprocess.run(["psql", admin_url, "-c", f'CREATE DATABASE "{restored_name}"'], check=True, capture_output=True)
    try:
        dump = tmp_path / "site.dump"
        env = {**os.environ, "DATABASE_URL": source}
        backup = subprocess.run(["bash", "scripts/backup.sh", str(dump)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert backup.returncode == 0, backup.stderr
        assert dump.stat().st_size > 0
        env["DATABASE_URL"] = database_url(restored_name)
        restore = subprocess.run(["bash", "scripts/restore.sh", str(dump)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert restore.returncode == 0, restore.stderr
        before, after = row_counts(source), row_counts(env["DATABASE_URL"])
        assert before["articles_article"] == 2 and before["articles_articlerevision"] >= 2
        assert after == before
        # Restoring again over the restored copy is refused: restore never mixes two databases.
        again = subprocess.run(["bash", "scripts/restore.sh", str(dump)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert again.returncode == 3 and "restore into a new, empty database" in again.stderr
    finally:
        subprocess.run(["psql", admin_url, "-c", f'DROP DATABASE IF EXISTS "{restored_name}"'], capture_output=True)
