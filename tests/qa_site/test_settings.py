"""Production settings refuse to start half-configured and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in GOOD_ENV.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"Production needs {missing}" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", **{**GOOD_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0 and "Production needs SECRET_KEY" in result.stderr


@pytest.mark.once
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
