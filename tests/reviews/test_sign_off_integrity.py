"""Sign-off integrity: a board editors cannot rewrite, signatures that never change, and one roles table
that the groups, every admin URL and the README follow."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from articles.models import Article, FollowUpQuestion, Status, Topic
from references.models import Reference
from reviews import services
from reviews.models import BoardMember, BoardMemberChange, ReviewEvent
from reviews.roles import ROLES, markdown_table, permission_names
from tests.factories import ensure_review_groups, make_article, make_editor, make_reviewer, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def make_board_admin(username=None):
    ensure_review_groups()
    return make_user(username, groups=["Board administrators"])


# --- The roles table ---------------------------------------------------------------------------------


def test_the_groups_hold_exactly_the_rights_the_roles_table_declares():
    """What the migrations gave each group is what reviews.roles says, no more and no less."""
    for role in ROLES:
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == permission_names(role), role


def test_the_readme_roles_table_is_the_roles_table():
    """The README shows the same table (regenerate it with reviews.roles.markdown_table())."""
    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


# --- Every role × every admin URL × every model -------------------------------------------------------

ROLE_NAMES = ["anonymous", "staff without role", "Editors", "Medical reviewers", "Board administrators", "superuser"]
# Admin pages refuse some verbs to everyone, whatever the rights (records are never added or changed by hand).
NEVER = {
    "reviews.reviewevent": {"add", "change", "delete"},
    "reviews.boardmemberchange": {"add", "change", "delete"},
    "articles.followupquestion": {"add"},
}
MODELS = [
    "articles.article", "articles.topic", "articles.followupquestion", "references.reference",
    "reviews.boardmember", "reviews.reviewevent", "reviews.boardmemberchange", "auth.user", "auth.group",
]  # fmt: skip
PAGES = ["changelist", "add", "change", "delete", "history"]


def rights(role, model):
    """The verbs the role holds on the model, per the roles table (a superuser holds all)."""
    if role == "superuser":
        verbs = {"view", "add", "change", "delete"}
    elif role in ROLES:
        verbs = set(ROLES[role]["models"].get(model, set()))
    else:
        verbs = set()
    return verbs - NEVER.get(model, set())


def expected_status(role, model, page):
    """What the admin must answer: the login page for the anonymous, 200 where the role's rights allow, else 403."""
    if role == "anonymous":
        return 302
    verbs = rights(role, model)
    needed = {
        "changelist": {"view", "change"}, "history": {"view", "change"}, "change": {"view", "change"},
        "add": {"add"}, "delete": {"delete"},
    }[page]  # fmt: skip
    return 200 if verbs & needed else 403


@pytest.fixture
def objects():
    """One row of each model, so every change, delete and history page has something to open."""
    editor = make_editor("matrix-editor")
    article = make_article(status=Status.DRAFT, guidelines="Text.", author=editor)
    member = services.board_member_save(member=BoardMember(name="Ada Example", credentials="MD"), user=make_user(superuser=True))
    return {
        "articles.article": article,
        "articles.topic": Topic.objects.create(name="Matrix topic", slug="matrix-topic"),
        "articles.followupquestion": FollowUpQuestion.objects.create(article=article, text="Is it hereditary?"),
        "references.reference": Reference.objects.create(title="A guideline", kind=Reference.Kind.GUIDELINE),
        "reviews.boardmember": member,
        "reviews.reviewevent": ReviewEvent.objects.filter(article=article).first(),
        "reviews.boardmemberchange": BoardMemberChange.objects.first(),
        "auth.user": editor,
        "auth.group": Group.objects.get(name="Editors"),
    }


def client_for(role):
    client = Client()
    if role == "anonymous":
        return client
    if role == "superuser":
        user = make_user(superuser=True)
    elif role == "staff without role":
        user = make_user()
    else:
        ensure_review_groups()
        user = make_user(groups=[role])
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix_of_every_admin_url(role, objects):
    """Each role × model × page (list, add, change, delete, history) answers as the roles table says."""
    client = client_for(role)
    mismatches = []
    for model in MODELS:
        app_label, model_name = model.split(".")
        obj = objects[model]
        for page in PAGES:
            args = [] if page in ("changelist", "add") else [obj.pk]
            url = reverse(f"admin:{app_label}_{model_name}_{page}", args=args)
            status = client.get(url).status_code
            if status != expected_status(role, model, page):
                mismatches.append(f"{page} {model}: {status}, expected {expected_status(role, model, page)}")
    assert mismatches == []


# --- The board is governed, not edited ------------------------------------------------------------------


def test_editors_cannot_change_the_board_or_who_signs(client):
    """An Editor may read profiles but not rename, relabel, deactivate or link a board member."""
    member = BoardMember.objects.create(name="Rita Review", credentials="MD")
    client.force_login(make_editor())
    url = reverse("admin:reviews_boardmember_change", args=[member.pk])
    response = client.post(url, {"name": "Prof. Chosen By Editor", "credentials": "MD, FRCP", "is_active": ""})
    assert response.status_code == 403
    member.refresh_from_db()
    assert (member.name, member.is_active) == ("Rita Review", True)
    with pytest.raises(services.MoveNotPermitted):
        services.board_member_save(member=member, user=make_editor())


def test_a_board_administrator_links_an_account_and_every_change_is_recorded():
    """Linking and relabelling are events with who, when, before and after."""
    admin, account = make_board_admin("board-admin"), make_user("dr-who")
    member = BoardMember(name="Dana Doe", credentials="MD")
    services.board_member_save(member=member, user=admin)
    member.user, member.credentials = account, "MD, PhD"
    services.board_member_save(member=member, user=admin)
    change = BoardMemberChange.objects.filter(member=member).first()  # newest first
    assert change.actor == admin and change.changed_fields == ["credentials", "user"]
    assert (change.before["user"], change.after["user"]) == (None, "dr-who")
    assert (change.before["credentials"], change.after["credentials"]) == ("MD", "MD, PhD")
    assert BoardMemberChange.objects.filter(member=member).count() == 2


def test_only_a_board_administrator_may_link_an_account():
    """Someone allowed to edit profiles but not to govern the board cannot choose who signs."""
    editor_of_profiles = make_user(perms=["reviews.change_boardmember", "reviews.view_boardmember"])
    member = BoardMember.objects.create(name="Eve Example", credentials="MD")
    member.user = make_user("someone")
    with pytest.raises(services.MoveNotPermitted, match="link"):
        services.board_member_save(member=member, user=editor_of_profiles)
    assert BoardMember.objects.get(pk=member.pk).user is None


def test_an_approval_keeps_the_signature_it_was_given(client):
    """Renaming a member later never changes who signed an old approval, on the page or in the audit trail."""
    reviewer = make_reviewer(name="Sam Signer", credentials="MD")
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=make_editor(), reviewer=reviewer)
    services.article_approve(article=article, user=reviewer)
    member = reviewer.board_member
    member.name, member.credentials = "Prof. Renamed", "MD, FRCP"
    services.board_member_save(member=member, user=make_board_admin())
    approval = ReviewEvent.objects.get(article=article, action="approve")
    assert approval.signed_as == "Sam Signer, MD"
    page = client.get(Article.objects.get(pk=article.pk).get_absolute_url()).content.decode()
    assert "by <a" in page and "Sam Signer, MD" in page and "Prof. Renamed" not in page


def test_disclosures_are_shown_on_the_board_page_and_beside_the_review(client):
    """Readers see each member's conflicts of interest where the member is named."""
    reviewer = make_reviewer(name="Dee Closure", credentials="MD")
    member = reviewer.board_member
    member.disclosures = "Advisory board fees from Example Pharma (2025)."
    services.board_member_save(member=member, user=make_board_admin())
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=make_editor(), reviewer=reviewer)
    services.article_approve(article=article, user=reviewer)
    assert "Advisory board fees from Example Pharma (2025)." in client.get("/medical-advisory-board/").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "disclosures: Advisory board fees from Example Pharma (2025)." in page


def test_the_four_eyes_refusal_names_the_revisions_the_approver_wrote():
    """The reviewer is told which of the revisions under review are theirs."""
    from tests.factories import edit_article, grant_writing

    author = grant_writing(make_reviewer())
    article = make_article(status=Status.SUBMITTED, guidelines="First.", author=make_editor())
    edit_article(article, user=author, guidelines="Second.")
    edit_article(article, user=make_editor(), guidelines="Third.")
    services.article_start_review(article=Article.objects.get(pk=article.pk), user=author)
    with pytest.raises(services.FourEyesError, match=r"revision 2,"):
        services.article_approve(article=Article.objects.get(pk=article.pk), user=author)


# --- Readers' questions are the board's input too -----------------------------------------------------


@pytest.mark.parametrize("make_role", [make_editor, make_reviewer])
def test_editors_and_reviewers_read_and_triage_follow_up_questions_but_never_publish_them(client, make_role):
    """Both roles open the questions and mark them answered; neither can add one (readers' words only)."""
    question = FollowUpQuestion.objects.create(text="Can my child inherit this condition?")
    client.force_login(make_role())
    assert "Can my child inherit this condition?" in client.get("/admin/articles/followupquestion/").content.decode()
    response = client.post(
        "/admin/articles/followupquestion/", {"action": "mark_answered", "_selected_action": [question.pk]}
    )
    assert response.status_code == 302
    assert FollowUpQuestion.objects.get(pk=question.pk).state == FollowUpQuestion.State.ANSWERED
    assert client.get("/admin/articles/followupquestion/add/").status_code == 403
    assert "Can my child inherit" not in Client().get("/").content.decode()


def test_board_administrators_are_a_real_group_with_no_article_rights():
    """Governing the board gives no right to write or approve articles."""
    ensure_review_groups()
    admin = make_board_admin()
    assert admin.has_perm("reviews.govern_board") and admin.has_perm("reviews.change_boardmember")
    assert not admin.has_perm("articles.change_article") and not admin.has_perm("reviews.approve_article")
    assert Permission.objects.filter(codename="govern_board").exists()
