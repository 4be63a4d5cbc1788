"""The demo: no known passwords by default; with --with-demo-users, demo staff and labelled demo approvals."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Status
from reviews.models import BoardMember, ReviewEvent

pytestmark = pytest.mark.django_db

SEED_SLUG = "what-is-the-likely-cause-of-neuroendocrine-tumors-nets"


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_plain_load_demo_creates_no_accounts_and_approves_nothing():
    """Without the flag no account (so no known password) exists and nothing claims a review."""
    load_demo()
    assert not get_user_model().objects.exists()
    assert not Article.objects.approved().exists()
    assert not BoardMember.objects.exclude(user=None).exists()


def test_demo_users_are_linked_to_demo_board_members_and_approvals_are_labelled_demo():
    """Demo staff in their groups; Demo Reviewer's approvals go through the workflow, on demo-labelled NIH pages."""
    output = load_demo("--with-demo-users")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"demo-editor", "demo-reviewer", "demo-specialist"}
    assert "with the password:" in output
    assert [g.name for g in users["demo-editor"].groups.all()] == ["Editors"]
    assert [g.name for g in users["demo-reviewer"].groups.all()] == ["Medical reviewers"]
    assert BoardMember.objects.get(user=users["demo-reviewer"]).display_name == "Demo Reviewer, MD"

    approved = list(Article.objects.approved())
    assert len(approved) == 3
    for article in approved:
        assert article.is_demo and article.external_id.startswith("medquad:")
        assert article.last_reviewed_by_display == "Demo Reviewer, MD"
        events = list(article.review_events.all())
        assert [e.action for e in events] == ["create", "edit", "start_review", "approve"]
        assert events[0].origin == "MedQuAD import" and events[1].origin == "Demo content loader"
        assert "Not a medical review" in article.review_events.last().comment
    assert Article.objects.get(slug=SEED_SLUG).status == Status.SUBMITTED

    # Idempotent: a second run creates no accounts, no approvals and no events.
    events = ReviewEvent.objects.count()
    output = load_demo("--with-demo-users")
    assert "with the password:" not in output
    assert Article.objects.approved().count() == 3 and ReviewEvent.objects.count() == events


def test_demo_password_can_be_chosen(client):
    """--password sets the demo accounts' password, so a demo editor can log in to the admin."""
    load_demo("--with-demo-users", "--password", "a-long-demo-password")
    assert client.login(username="demo-editor", password="a-long-demo-password")
    assert client.get("/admin/articles/article/").status_code == 200
