"""Production settings refuse to start half-configured and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # settings and subprocesses: nothing here depends on the database engine

ROOT = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-for-tests-only-" + "x" * 20,
    "DATABASE_URL": "postgres://user:password@127.0.0.1:5432/qa_site",
    "ALLOWED_HOSTS": "answers.example.org",
}

def manage(*args, **env):
    """Run manage.py in a fresh process with only the given environment."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )

def test_production_passes_check_deploy_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    # The one silenced check is HSTS preload's reminder, off unless SECURE_HSTS_PRELOAD asks for it.
    assert "WARNINGS" not in result.stdout + result.stderr and "ERRORS" not in result.stdout + result.stderr

@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in GOOD_ENV.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"Production needs {missing}" in result.stderr

def test_production_refuses_a_short_secret_key():
    result = manage("check", **{**GOOD_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0 and "Production needs SECRET_KEY" in result.stderr

def test_preload_cache_age_and_follow_up_limit_come_from_the_environment():
    """HSTS preload only when asked for; the page cache's age and the follow-up allowance are settings."""
    show = "from django.conf import settings as s; print(s.SECURE_HSTS_PRELOAD, s.PAGE_CACHE_SECONDS, s.FOLLOW_UP_RATE_LIMIT)"
    assert manage("shell", "-c", show, **GOOD_ENV).stdout.splitlines()[-1].split() == ["False", "600", "5"]
    chosen = {**GOOD_ENV, "SECURE_HSTS_PRELOAD": "1", "PAGE_CACHE_SECONDS": "60", "FOLLOW_UP_RATE_LIMIT": "3"}
    assert manage("shell", "-c", show, **chosen).stdout.splitlines()[-1].split() == ["True", "60", "3"]

@pytest.mark.parametrize(
    "env, expected",
    [({}, "5 200 365"), ({"FOLLOW_UP_RATE_LIMIT": "3", "FOLLOW_UP_SITE_RATE_LIMIT": "50", "FOLLOW_UP_RETENTION_DAYS": "90"}, "3 50 90")],
)
def test_follow_up_limits_and_retention_come_from_the_environment(env, expected):
    """Per-client and site-wide hourly limits and the retention period: defaults, or what the environment says."""
    code = "from django.conf import settings as s; print(s.FOLLOW_UP_RATE_LIMIT, s.FOLLOW_UP_SITE_RATE_LIMIT, s.FOLLOW_UP_RETENTION_DAYS)"
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
