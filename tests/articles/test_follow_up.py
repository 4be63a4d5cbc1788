"""“Have a follow-up question?”: stored for editors, validated kindly, honeypot, rate limit, matches shown."""

import io

import pytest
from django.test import Client, override_settings

from articles.models import Article, FollowUpQuestion, Status
from tests.factories import make_approved_article, make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_approved_article("What causes migraine headaches?", guidelines="Migraine has genetic and environmental triggers.")


def ask(client, article, text, ip="10.0.0.1"):
    """Send a follow-up question from the given client address."""
    return client.post(f"/articles/{article.slug}/follow-up/", {"text": text, "website": ""}, REMOTE_ADDR=ip, HTTP_ORIGIN="http://testserver", follow=True)


def test_a_question_is_stored_with_article_audience_and_time(client, article):
    client.cookies["audience"] = "caregiver"
    response = ask(client, article, "Can stress trigger a migraine in children?")
    assert response.status_code == 200
    question = FollowUpQuestion.objects.get()
    assert (question.article, question.text, question.audience, question.state) == (
        article, "Can stress trigger a migraine in children?", "caregiver", FollowUpQuestion.State.NEW,
    )
    assert question.created is not None
    assert question.client_hash and "10.0.0.1" not in question.client_hash
    html = response.content.decode()
    assert "Your question was sent to our editors" in html
    assert "It is not published" in html


def test_the_reader_sees_public_articles_matching_the_question_never_drafts(client, article):
    """Matches come from the search engine and skip private drafts."""
    match = make_approved_article("How is stress managed in children?", guidelines="Sleep and routine help children with stress.")
    draft = make_article("Stress in children: draft notes", status=Status.DRAFT, guidelines="Stress children draft.")
    html = ask(client, article, "Can stress trigger a migraine in children?").content.decode()
    sent = html[html.index("Articles that may answer it now") :]
    assert match.question in sent
    assert draft.question not in sent


def test_questions_are_never_published(client, article):
    ask(client, article, "Is there a secret cure nobody mentions?")
    other_reader = Client()
    assert "secret cure" not in other_reader.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Please type your question before sending it."),
        ("Why?", "a question needs at least 10 characters (it has 4)"),
        ("x" * 1001, "Please shorten your question to 1000 characters or fewer (it has 1001)"),
    ],
)
def test_invalid_questions_are_refused_with_a_message_and_the_text_kept(client, article, text, message):
    response = ask(client, article, text)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f">{text}</textarea>" in html  # the reader's words are never lost
    assert FollowUpQuestion.objects.count() == 0


def test_1000_characters_is_accepted(client, article):
    assert ask(client, article, "y" * 1000).status_code == 200
    assert FollowUpQuestion.objects.get().text == "y" * 1000


def test_a_filled_honeypot_is_refused_but_the_question_kept_on_the_page(client, article):
    response = client.post(
        f"/articles/{article.slug}/follow-up/", {"text": "Is this a real question from a bot?", "website": "http://spam.example"}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "the field “Leave this field empty” was filled in" in html
    assert ">Is this a real question from a bot?</textarea>" in html
    assert FollowUpQuestion.objects.count() == 0


def test_the_sixth_question_in_an_hour_is_refused_with_429(client, article):
    """At most five per client per hour, counted in the database; another client is unaffected."""
    for n in range(5):
        assert ask(client, article, f"Question number {n} about migraine?").status_code == 200
    response = ask(client, article, "One question too many about migraine?")
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent 5 questions in the last hour" in html
    assert ">One question too many about migraine?</textarea>" in html
    assert FollowUpQuestion.objects.count() == 5
    assert ask(client, article, "A different reader asks about migraine?", ip="10.0.0.2").status_code == 200


def test_the_limit_counts_the_last_hour_only(client, article):
    from django.utils import timezone

    for n in range(5):
        ask(client, article, f"Question number {n} about migraine?")
    FollowUpQuestion.objects.update(created=timezone.now() - timezone.timedelta(minutes=61))
    assert ask(client, article, "An hour later, another question?").status_code == 200


@override_settings(FOLLOW_UP_RATE_LIMIT=1)
def test_the_limit_is_a_setting(client, article):
    ask(client, article, "First question about migraine?")
    assert ask(client, article, "Second question about migraine?").status_code == 429


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null", "HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": "http://testserver.evil.example/articles/"},
        {},  # neither header: a browser always sends one of them with a form
    ],
)
def test_a_question_sent_from_another_site_is_refused(article, headers):
    """Without a per-reader token, the browser's Origin (or Referer) must name this site."""
    response = Client(enforce_csrf_checks=True).post(
        f"/articles/{article.slug}/follow-up/", {"text": "A question from somewhere else?", "website": ""}, **headers
    )
    assert response.status_code == 403
    assert "sent from another site" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert FollowUpQuestion.objects.count() == 0


@pytest.mark.parametrize(
    "headers", [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/articles/x/"}]
)
def test_a_question_sent_from_the_site_needs_no_token(article, headers):
    """The site's own page posts without any CSRF token or cookie, and the reader's answer is never cached."""
    response = Client(enforce_csrf_checks=True).post(
        f"/articles/{article.slug}/follow-up/", {"text": "A question from the article page?", "website": ""}, **headers,
        follow=True,
    )
    assert response.status_code == 200
    assert "Your question was sent to our editors" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert FollowUpQuestion.objects.count() == 1


def test_reopening_the_form_address_leads_to_the_question_box_and_drafts_take_no_questions(client, article):
    """A GET of the form's address (reopened, bookmarked) leads to the article's question box, not an empty 405."""
    response = client.get(f"/articles/{article.slug}/follow-up/")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url() + "#follow-up"
    draft = make_article("Private draft?", status=Status.DRAFT, guidelines="Draft.")
    assert client.get(f"/articles/{draft.slug}/follow-up/").status_code == 404
    assert ask(client, draft, "Can I ask about a private draft?").status_code == 404


def test_every_article_page_has_the_form(client, article):
    """The form is on the page, with no per-reader token, so every reader gets the same shareable bytes."""
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "Have a follow-up question?" in html
    assert f'action="/articles/{article.slug}/follow-up/#follow-up"' in html
    assert 'name="csrfmiddlewaretoken"' not in html and not response.cookies


# --- The editors' side -----------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("triage", superuser=True))
    return client


def test_editors_triage_questions_with_actions(editor_client, article):
    one = FollowUpQuestion.objects.create(article=article, text="Does caffeine help a migraine?")
    two = FollowUpQuestion.objects.create(article=article, text="Is migraine inherited?")
    changelist = "/admin/articles/followupquestion/"
    assert "Does caffeine help a migraine?" in editor_client.get(changelist).content.decode()
    response = editor_client.post(changelist, {"action": "mark_answered", "_selected_action": [one.pk]}, follow=True)
    assert "1 question marked answered." in response.content.decode()
    editor_client.post(changelist, {"action": "mark_dismissed", "_selected_action": [two.pk]})
    one.refresh_from_db(), two.refresh_from_db()
    assert (one.state, two.state) == ("answered", "dismissed")
    html = editor_client.get(changelist + "?state__exact=new").content.decode()
    assert "Does caffeine help a migraine?" not in html


def test_a_question_becomes_a_draft_article_in_one_action(editor_client, article):
    question = FollowUpQuestion.objects.create(article=article, text="Does caffeine   help a migraine?")
    response = editor_client.post(
        "/admin/articles/followupquestion/", {"action": "make_draft_article", "_selected_action": [question.pk]}, follow=True
    )
    question.refresh_from_db()
    draft = question.answer_article
    assert draft.question == "Does caffeine help a migraine?"
    assert draft.status == Status.DRAFT
    assert draft.current_revision is not None and draft.current_revision.question == draft.question
    assert draft.topic == article.topic
    assert "Draft article created" in response.content.decode()
    # Drafts stay private.
    assert draft not in Article.objects.public()
    # A second run does not make a duplicate.
    editor_client.post("/admin/articles/followupquestion/", {"action": "make_draft_article", "_selected_action": [question.pk]})
    assert Article.objects.filter(question=draft.question).count() == 1


@override_settings(CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_readers_are_counted_by_the_address_it_forwards(client, article):
    """Two readers behind one proxy keep their own allowance when the proxy's header is configured."""
    proxy = "127.0.0.1"
    for n in range(5):
        response = client.post(
            f"/articles/{article.slug}/follow-up/",
            {"text": f"Question {n} about migraine triggers?", "website": ""},
            REMOTE_ADDR=proxy,
            HTTP_X_REAL_IP="203.0.113.7",
            HTTP_ORIGIN="http://testserver",
        )
        assert response.status_code == 302  # stored: to the result page
    other = client.post(
        f"/articles/{article.slug}/follow-up/",
        {"text": "Another reader asks about migraine?", "website": ""},
        REMOTE_ADDR=proxy,
        HTTP_X_REAL_IP="198.51.100.9",
        HTTP_ORIGIN="http://testserver",
    )
    assert other.status_code == 302


@override_settings(FOLLOW_UP_RATE_LIMIT=5, FOLLOW_UP_SITE_RATE_LIMIT=12)
def test_the_site_takes_a_limited_number_of_questions_per_hour_from_all_clients(client, article):
    """Many addresses together cannot flood the editors: past the site's hourly cap, 429 with the text kept."""
    for n in range(12):
        assert ask(client, article, f"Question {n} from a new address?", ip=f"10.1.0.{n}").status_code == 200
    response = ask(client, article, "A first question from yet another reader?", ip="10.2.0.1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "We have received more questions than usual in the last hour" in html
    assert ">A first question from yet another reader?</textarea>" in html
    assert FollowUpQuestion.objects.count() == 12


@override_settings(FOLLOW_UP_SITE_RATE_LIMIT=3)
def test_the_site_limit_counts_the_last_hour_only(client, article):
    from django.utils import timezone

    for n in range(3):
        ask(client, article, f"Question {n} about migraine triggers?", ip=f"10.3.0.{n}")
    FollowUpQuestion.objects.update(created=timezone.now() - timezone.timedelta(minutes=61))
    assert ask(client, article, "An hour later, a new reader asks?", ip="10.3.1.1").status_code == 200


@override_settings(FOLLOW_UP_RETENTION_DAYS=30)
def test_purge_deletes_old_triaged_questions_and_keeps_new_ones(article):
    """Answered and dismissed questions past the retention period go; untriaged or recent ones stay."""
    from django.core.management import call_command
    from django.utils import timezone

    State = FollowUpQuestion.State
    old, recent = timezone.now() - timezone.timedelta(days=31), timezone.now() - timezone.timedelta(days=29)
    rows = {}
    for state in State.values:
        for label, created in (("old", old), ("recent", recent)):
            row = FollowUpQuestion.objects.create(article=article, text=f"{label} {state} question?", state=state, client_hash="ab" * 32)
            FollowUpQuestion.objects.filter(pk=row.pk).update(created=created)
            rows[(label, state)] = row.pk
    out = io.StringIO()
    call_command("purge_follow_up_questions", stdout=out)
    assert "Deleted 2 answered or dismissed follow-up question(s) older than 30 days." in out.getvalue()
    remaining = set(FollowUpQuestion.objects.values_list("text", flat=True))
    assert remaining == {"old new question?", "recent new question?", "recent answered question?", "recent dismissed question?"}
    assert set(FollowUpQuestion.objects.values_list("client_hash", flat=True)) == {""}  # only needed to count the last hour


def test_the_result_is_post_redirect_get_private_and_reloadable(client, article):
    """After sending, the reader lands on their result; reloading shows it again and stores nothing twice."""
    response = ask(client, article, "Can stress trigger a migraine in children?")
    (result_url, status), = response.redirect_chain
    assert status == 302 and "/follow-up/" in result_url and result_url.endswith("#follow-up")
    again = client.get(result_url.split("#")[0])
    assert again.status_code == 200 and "Your question was sent to our editors" in again.content.decode()
    assert "no-store" in again["Cache-Control"] and "private" in again["Cache-Control"]
    assert again["X-Robots-Tag"] == "noindex"
    assert FollowUpQuestion.objects.count() == 1
    tampered = result_url.split("#")[0].rstrip("/") + "x/"
    assert client.get(tampered).status_code == 404
