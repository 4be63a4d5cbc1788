"""Outages: readers get a 503 page with Retry-After, and the log one line per burst, never a traceback per request."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PATHS = ["/", "/search/?q=tumour", "/articles/some-article/", "/topics/cancer/", "/medical-advisory-board/", "/sitemap.xml"]


def run_outage_client(env_changes, paths, repeat=1):
    """Run outage_client.py in a fresh process with these environment changes; (responses, stderr)."""
    env = {**os.environ, "DJANGO_ENV": "development", "DEBUG": "0", "OUTAGE_REPEAT": str(repeat), **env_changes}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("outage_client.py")), *paths],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


@pytest.mark.once
def test_unreachable_database_gives_503_with_retry_after_and_one_log_line():
    """With the database refusing connections, every page is the 503 page with Retry-After; the log has one line."""
    # Port 1 on the loopback refuses connections at once: a stopped database server.
    responses, log = run_outage_client({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/qa_site"}, PUBLIC_PATHS, repeat=5)
    assert len(responses) == len(PUBLIC_PATHS) * 5 + 1
    for response in responses:
        assert (response["status"], response["retry_after"], response["page"]) == (503, "30", True), response
    assert "Traceback" not in log
    lines = [line for line in log.splitlines() if "Database unavailable" in line]
    assert len(lines) == 1, log
    assert "OperationalError" in lines[0]
