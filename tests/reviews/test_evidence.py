"""Evidence a clinician can check: the evidence month, the public change log, retracted papers."""

import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import ChangeLogEntry, ChangeSize, Citation, Status
from reviews import services
from tests.factories import approve_current, edit_article, factory_reviewer, make_article, make_reference

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def under_review(**kwargs):
    return make_article(status=Status.UNDER_REVIEW, guidelines=kwargs.pop("guidelines", "Guidance text."), **kwargs)


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_approval_records_the_month_the_reviewer_confirms(client):
    """The reviewer's month is stored and shown beside “Last reviewed”, separate from it."""
    article = services.article_approve(
        article=under_review(), user=factory_reviewer(), evidence_through=datetime.date(2025, 9, 17)
    )
    assert article.evidence_current_through == datetime.date(2025, 9, 1)
    meta = soup_of(client, article.get_absolute_url()).select_one(".editorial-meta")
    items = [li.get_text(" ", strip=True) for li in meta.select("li")]
    assert any(item.startswith("Evidence current through: September 2025") for item in items)
    assert any(item.startswith("Last reviewed:") for item in items)
    assert "Evidence to Sep 2025" in meta.summary.get_text(" ", strip=True)  # in the one-line summary too


def test_evidence_month_defaults_to_the_approval_month():
    """Without a month, the evidence is current through the month of approval."""
    article = services.article_approve(article=under_review(), user=factory_reviewer())
    assert article.evidence_current_through == timezone.localdate().replace(day=1)


def test_a_future_evidence_month_is_refused_and_changes_nothing():
    """Evidence cannot be current through a month that has not begun."""
    article = under_review()
    next_year = timezone.localdate().replace(day=1, year=timezone.localdate().year + 1)
    with pytest.raises(services.EvidenceDateError, match="has not begun"):
        services.article_approve(article=article, user=factory_reviewer(), evidence_through=next_year)
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW and article.evidence_current_through is None
    assert not ChangeLogEntry.objects.exists()


def test_change_log_has_entries_only_for_revisions_that_went_live(client):
    """First approval, an update, and a re-review of unchanged text: two entries, newest first."""
    article = make_article(status=Status.APPROVED, guidelines="Offer A.")
    first = ChangeLogEntry.objects.get(article=article)
    assert first.first_publication and first.headline == "First published after review."
    assert first.reviewer == "Demo Reviewer, MD"

    edit_article(article, guidelines="Offer B instead of A.", change_size=ChangeSize.RECOMMENDATION,
                 change_summary="Recommends B first, after the 2025 guideline update.")  # fmt: skip
    assert ChangeLogEntry.objects.filter(article=article).count() == 1  # a draft update is not live
    article = approve_current(article)
    assert (article.change_size, article.change_summary) == ("", "")  # the note is used once
    # The periodic review re-approves the same revision: readers' text did not change.
    article = services.article_submit(article=article, user=services_editor())
    article = approve_current(article)

    entries = list(article.change_log.all())
    assert len(entries) == 2
    assert entries[0].revision_id == article.live_revision_id and entries[0].is_major
    assert entries[0].summary == "Recommends B first, after the 2025 guideline update."


def services_editor():
    from tests.factories import make_editor

    return make_editor()


def test_page_shows_what_changed_and_flags_a_changed_recommendation(client):
    """“What changed” shows the latest entry, flags a changed recommendation and links to all changes."""
    article = make_article(status=Status.APPROVED, guidelines="Offer A.")
    edit_article(article, guidelines="Offer B.", change_size=ChangeSize.RECOMMENDATION, change_summary="Recommends B, not A.")
    article = approve_current(article)
    box = soup_of(client, article.get_absolute_url()).select_one(".what-changed")
    text = box.get_text(" ", strip=True)
    assert "Recommendation changed" in text and "Recommends B, not A." in text and "Changed recommendation" in text
    assert "what-changed--major" in box["class"]
    changes_url = reverse("articles:changes", args=[article.slug])
    assert box.select_one(".what-changed__more a")["href"] == changes_url
    entries = soup_of(client, changes_url).select(".changes__entry")
    assert [e.select_one("p:nth-of-type(2)").get_text(strip=True) for e in entries] == [
        "Recommends B, not A.", "First published after review."]  # fmt: skip


def test_a_first_publication_shows_no_what_changed_box(client):
    """Nothing changed for readers on first publication: the log has the entry, the page no box."""
    article = make_article(status=Status.APPROVED, guidelines="Offer A.")
    assert article.change_log.count() == 1
    assert soup_of(client, article.get_absolute_url()).select(".what-changed") == []


def test_minor_update_is_not_flagged(client):
    """A minor wording change shows in “What changed” without the changed-recommendation flag."""
    article = make_article(status=Status.APPROVED, guidelines="Offer A.")
    edit_article(article, guidelines="Offer A, as before.", change_size=ChangeSize.MINOR, change_summary="Clearer wording.")
    article = approve_current(article)
    box = soup_of(client, article.get_absolute_url()).select_one(".what-changed")
    assert "Minor wording" in box.get_text() and "Recommendation changed" not in box.get_text()


def test_feeds_carry_the_change_log_of_public_articles_only(client):
    """The site-wide and per-article Atom feeds list each change; a private draft's never appear."""
    article = make_article(status=Status.APPROVED, guidelines="Offer A.", question="How is test NET X treated?")
    edit_article(article, guidelines="Offer B.", change_size=ChangeSize.RECOMMENDATION, change_summary="Recommends B.")
    approve_current(article)
    make_article(status=Status.DRAFT, guidelines="Private.", question="A private draft question?")
    response = client.get(reverse("articles:changes-feed-all"))
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Changed recommendation: How is test NET X treated?", "How is test NET X treated?"]
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "Recommends B." in summary and "Reviewed by Demo Reviewer, MD." in summary
    one = ElementTree.fromstring(client.get(reverse("articles:changes-feed", args=[article.slug])).content)
    assert len(one.findall(f"{ATOM}entry")) == 2
    assert client.get(reverse("articles:changes-feed", args=["no-such-article"])).status_code == 404


def test_approval_refused_while_a_retracted_paper_is_cited_without_saying_so(client):
    """A retracted, unacknowledged reference blocks approval; saying so in the text lets it through."""
    retracted = make_reference(title="A retracted test trial", is_retracted=True, retraction_note="Test notice")
    article = under_review(guidelines="Offer A [@trial].", references={"trial": retracted})
    with pytest.raises(services.RetractedReferenceError, match=r"\[@trial\] “A retracted test trial”"):
        services.article_approve(article=article, user=factory_reviewer())
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW and article.live_revision_id is None

    Citation.objects.filter(article=article, key="trial").update(retraction_noted=True)
    article = services.article_approve(article=article, user=factory_reviewer())
    assert article.status == Status.APPROVED
    flagged = soup_of(client, article.get_absolute_url()).select_one("#ref-1")
    assert flagged.select_one(".ref-retracted").get_text() == "Retracted paper."


def test_retraction_flagged_after_approval_shows_on_the_live_page(client):
    """A flag set after approval shows on the reference readers see, without a new revision."""
    reference = make_reference(title="Later retracted")
    article = make_article(status=Status.APPROVED, guidelines="Offer A [@r].", references={"r": reference})
    assert not soup_of(client, article.get_absolute_url()).select(".ref-retracted")
    reference.is_retracted = True
    reference.save()
    from django.core.cache import cache

    cache.clear()  # the page cache follows publication_changed; a reference flag is not one (see README)
    assert soup_of(client, article.get_absolute_url()).select(".ref-retracted")


def approve_in_admin(client, article, **data):
    """The board member who holds the review presses Approve on the article's admin page."""
    client.force_login(factory_reviewer())
    url = reverse("admin:articles_article_review_move", args=[article.pk, "approve"])
    response = client.post(url, {"comment": "", **data}, follow=True)
    return response, [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "month, message",
    [("2026-13", "“2026-13” is not a month"), ("<script>", "is not a month"), ("2999-01", "has not begun")],
)
def test_admin_approval_with_a_bad_evidence_month_is_a_message_and_changes_nothing(client, month, message):
    """A forged or mistyped month is reported on the article page; the article stays under review."""
    article = under_review()
    response, shown = approve_in_admin(client, article, evidence_through=month)
    assert response.status_code == 200 and any(message in text for text in shown)
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW and not ChangeLogEntry.objects.exists()


def test_admin_approval_records_the_month_and_shows_retraction_refusals(client):
    """The approve form's month is recorded; a retracted, unacknowledged citation is named before and on refusal."""
    article = under_review()
    _, shown = approve_in_admin(client, article, evidence_through="2026-01")
    article.refresh_from_db()
    assert article.status == Status.APPROVED and article.evidence_current_through == datetime.date(2026, 1, 1)

    retracted = make_reference(title="Retracted admin test paper", is_retracted=True)
    blocked = under_review(guidelines="Offer A [@bad].", references={"bad": retracted})
    page = client.get(reverse("admin:articles_article_change", args=[blocked.pk])).content.decode()
    assert "Cites a retracted paper without saying so" in page and "Retracted admin test paper" in page
    _, shown = approve_in_admin(client, blocked)
    assert any("cites a retracted paper without saying so: [@bad]" in text for text in shown)
    assert Status(type(blocked).objects.get(pk=blocked.pk).status) == Status.UNDER_REVIEW
