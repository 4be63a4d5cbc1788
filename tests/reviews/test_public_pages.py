"""What readers see of the workflow: the article page at each step, the board and the editorial policy."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.models import Article, Status
from reviews import services
from tests.factories import edit_article, make_article, make_editor, make_reviewer

pytestmark = pytest.mark.django_db

BANNER = "Exercise caution as content is pending human review"
UPDATE_NOTE = "An update to this article is under review"


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element):
    return " ".join(element.get_text(" ").split())


def reader_view(client, article):
    """What an anonymous reader gets: (status code, page soup)."""
    client.logout()
    response = client.get(f"/articles/{article.slug}/")
    return response.status_code, soup_of(response)


def current_step(soup):
    return text_of(soup.select_one('.stepper [aria-current="step"]'))


def test_a_draft_never_approved_is_404_for_readers_but_visible_to_its_editor(client):
    """Editors may keep a draft private until it is submitted."""
    editor = make_editor()
    article = make_article(status=Status.DRAFT, guidelines="Private draft text.", author=editor)
    assert reader_view(client, article)[0] == 404
    assert not Article.objects.public().filter(pk=article.pk).exists()
    client.force_login(editor)
    assert "Private draft text." in client.get(f"/articles/{article.slug}/").content.decode()


def test_the_page_follows_each_move_of_a_first_review(client):
    """Submitted, then Under Review with the banner; approved: no banner, reviewer and dates shown."""
    editor, reviewer = make_editor(), make_reviewer(name="Ada Example", credentials="MD, FACP")
    article = make_article(status=Status.DRAFT, guidelines="The answer.", author=editor)

    article = services.article_submit(article=article, user=editor)
    status, page = reader_view(client, article)
    assert status == 200 and BANNER in text_of(page) and current_step(page) == "1 Submitted"
    assert page.select_one('meta[name="robots"][content="noindex"]') is not None
    assert "Last reviewed" not in text_of(page)

    article = services.article_start_review(article=article, user=reviewer)
    status, page = reader_view(client, article)
    assert BANNER in text_of(page) and current_step(page) == "2 Under Review"

    article = services.article_approve(article=article, user=reviewer)
    status, page = reader_view(client, article)
    text = text_of(page)
    assert BANNER not in text and current_step(page).endswith("Approved")
    assert page.select_one('meta[name="robots"]') is None
    today = timezone.localdate()
    due = services.add_months(today, 12)
    assert f"Last reviewed: {date_format(today, 'F j, Y')} by Ada Example, MD, FACP" in text
    assert f"Next review due: {date_format(due, 'F j, Y')}" in text
    link = page.find("a", string="Ada Example, MD, FACP")
    member = reviewer.board_member
    assert link["href"] == f"/medical-advisory-board/#member-{member.pk}"


def test_readers_keep_the_approved_text_while_an_update_is_reviewed(client):
    """The approved revision stays on the page with a note; approval of the update makes it live."""
    editor, reviewer = make_editor(), make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Approved dosage text.", author=editor, reviewer=reviewer)
    article = services.article_approve(article=article, user=reviewer)
    first_reviewed = Article.objects.get(pk=article.pk).last_reviewed_at

    article = edit_article(article, user=editor, guidelines="Updated dosage text.").article
    for move in (services.article_submit, services.article_start_review):
        article = move(article=article, user=editor if move is services.article_submit else reviewer)
        status, page = reader_view(client, article)
        text = text_of(page)
        assert "Approved dosage text." in text and "Updated dosage text." not in text
        assert UPDATE_NOTE in text and BANNER not in text and current_step(page).endswith("Approved")
        assert Article.objects.get(pk=article.pk).last_reviewed_at == first_reviewed, "an edit does not move last reviewed"

    services.article_approve(article=article, user=reviewer)
    text = text_of(reader_view(client, article)[1])
    assert "Updated dosage text." in text and "Approved dosage text." not in text and UPDATE_NOTE not in text


def test_an_edit_in_progress_shows_no_update_note_until_submitted(client):
    """A private rework (back in Draft) is not announced to readers; the approved page is unchanged."""
    editor = make_editor()
    reviewer = make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Live text.", author=editor, reviewer=reviewer)
    article = services.article_approve(article=article, user=reviewer)
    edit_article(article, user=editor, guidelines="Work in progress.")
    status, page = reader_view(client, article)
    assert status == 200 and "Live text." in text_of(page) and UPDATE_NOTE not in text_of(page)


def test_overdue_review_is_said_on_the_page(client):
    """A past "Next review due" date is marked overdue for readers."""
    reviewer = make_reviewer()
    article = make_article(status=Status.UNDER_REVIEW, guidelines="Text.", author=make_editor(), reviewer=reviewer)
    services.article_approve(article=article, user=reviewer)
    Article.objects.filter(pk=article.pk).update(next_review_due=datetime.date(2020, 1, 1))
    text = text_of(reader_view(client, article)[1])
    assert "Next review due: January 1, 2020 (overdue)" in text


def test_board_page_lists_active_members_with_credentials_and_marks_demo_ones(client):
    """Name and credentials, specialty and bio; inactive members are not listed; demo members are labelled."""
    from reviews.models import BoardMember

    BoardMember.objects.create(name="Demo Reviewer", credentials="MD", specialty="Internal medicine", bio="Fictional.", is_demo=True)
    BoardMember.objects.create(name="Former Member", credentials="MD", is_active=False)
    page = soup_of(client.get("/medical-advisory-board/"))
    members = [text_of(h) for h in page.select(".board-member__name")]
    assert members == ["Demo Reviewer, MD Demo"]
    assert "Internal medicine" in text_of(page) and "Fictional." in text_of(page)
    assert "are fictional people" in text_of(page)


def test_editorial_policy_states_the_real_cadence_and_roles(client, settings):
    """The policy page reads the review interval from settings and names roles and four eyes."""
    settings.REVIEW_INTERVAL_MONTHS = 18
    text = text_of(soup_of(client.get("/editorial-policy/")))
    assert "due for another review 18 months after its last approval" in text
    assert "Editors" in text and "Medical reviewers" in text
    assert "Nobody approves a version of an article they wrote themselves" in text
    settings.REVIEW_INTERVAL_MONTHS = 1
    assert "due for another review 1 month after" in text_of(soup_of(client.get("/editorial-policy/")))
