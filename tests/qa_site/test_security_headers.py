"""Content-Security-Policy without unsafe-inline on public pages, Permissions-Policy everywhere."""

import re

import pytest

from articles.models import Status
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_pages():
    article = make_article(status=Status.APPROVED, guidelines="Some **guideline** text.", summary="A summary.")
    return ["/", article.get_absolute_url(), "/search/?q=guideline", "/medical-advisory-board/", "/editorial-policy/",
            "/personalize/", "/no-such-page/"]


def test_public_pages_forbid_inline_script_and_style_and_carry_none(client, public_pages):
    """Every public page's policy allows scripts and styles from the site only, and the page has no inline code."""
    for path in public_pages:
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self';" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        html = response.content.decode()
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path
        inline_scripts = [m for m in re.findall(r"<script\b[^>]*>", html) if "src=" not in m and "application/ld+json" not in m]
        assert inline_scripts == [], path


def test_admin_has_its_own_policy(client):
    """The admin allows inline styles (Django's widgets use them) but still no inline scripts."""
    client.force_login(make_user("headers-admin", superuser=True))
    response = client.get("/admin/articles/article/")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
    assert response["Permissions-Policy"]
