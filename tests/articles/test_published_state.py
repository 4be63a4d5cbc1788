"""Readers see only what the board approved, on every surface, until an update is approved; then at once."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from articles.models import Article, RelatedQuestion, Status
from tests.factories import approve_current, edit_article, make_approved_article, make_editor, make_topic

pytestmark = pytest.mark.django_db

OLD = {"question": "What causes gout flares?", "summary": "Uric acid crystals inflame a joint.", "body": "Urate crystals settle in joints."}
NEW = {"question": "What triggers podagra attacks?", "summary": "Podagrin summary awaiting review.", "body": "Colchicinoid draft wording."}
# Words only the unreviewed update contains: none may reach a reader before approval.
NEW_WORDS = ["podagra", "Podagrin", "Colchicinoid"]


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """An approved article, another article linking to it, and an editor's unreviewed update of the first."""
    old_topic, new_topic = make_topic("Gout"), make_topic("Foot pain")
    article = make_approved_article(OLD["question"], summary=OLD["summary"], guidelines=OLD["body"], topic=old_topic)
    linking = make_approved_article("How is arthritis of the big toe treated?", guidelines="Rest and ice.")
    RelatedQuestion.objects.create(article=linking, related=article)
    reader = Client()
    pages = surfaces(reader, article, linking, old_topic, new_topic)  # every surface seen (and cached) before the edit
    assert all(OLD["question"] in text for name, text in pages.items() if name not in ("topic (new)", "search (new words)", "sitemap"))
    with django_capture_on_commit_callbacks(execute=True):
        saved = edit_article(
            article, user=make_editor(), question=NEW["question"], summary=NEW["summary"], guidelines=NEW["body"],
            topic=new_topic,
        )  # fmt: skip
    assert saved.article.status == Status.DRAFT and saved.restarted_review
    return {"article": article, "linking": linking, "old_topic": old_topic, "new_topic": new_topic, "reader": reader}


def surfaces(reader, article, linking, old_topic, new_topic, audience=None):
    """The text of every public surface that can show the article (pages as a reader reads them; feeds as XML)."""
    if audience:
        reader.cookies["audience"] = audience
    follow_up = reader.post(
        f"/articles/{linking.slug}/follow-up/",
        {"text": "Is a gout flare or podagra attack caused by urate crystals?", "website": ""},
        REMOTE_ADDR=f"10.9.{len(audience or '')}.{Article.objects.count()}",
        HTTP_ORIGIN="http://testserver",
        follow=True,  # to the result page (POST/redirect/GET)
    )
    matches = text_of(follow_up)
    return {
        "article page": text_of(reader.get(article.get_absolute_url())),
        "article page again (page cache)": text_of(reader.get(article.get_absolute_url())),
        "home": text_of(reader.get("/")),
        "topic (old)": text_of(reader.get(old_topic.get_absolute_url())),
        "topic (new)": text_of(reader.get(new_topic.get_absolute_url())),
        "search": text_of(reader.get("/search/?q=gout"), ".search-results"),
        "search (new words)": text_of(reader.get("/search/?q=podagra"), ".search-results"),
        "related list": text_of(reader.get(linking.get_absolute_url())),
        # What the reader typed is echoed back to them: only the matches below it count.
        "follow-up matches": matches[matches.index("Articles that may answer it now") :],
        "feed": reader.get("/feeds/approved/").content.decode(),
        "sitemap": reader.get("/sitemap.xml").content.decode(),
    }


def text_of(response, selector=None):
    """A page's text (or that of the part `selector` picks) as a reader reads it, highlighted words joined up."""
    soup = BeautifulSoup(response.content, "html.parser")
    parts = soup.select(selector) if selector else [soup]
    return " ".join(" ".join(part.get_text(" ") for part in parts).split()).replace(" ?", "?")


@pytest.mark.parametrize("audience", [None, "patient", "professional"])
def test_an_unreviewed_update_reaches_no_public_surface(published, audience):
    """Question, summary, body and topic of a private update appear nowhere a reader can look."""
    pages = surfaces(Client(), published["article"], published["linking"], published["old_topic"], published["new_topic"], audience)
    for name, text in pages.items():
        for word in NEW_WORDS:
            assert word not in text, f"{word!r} leaked on {name}"
    assert OLD["question"] in pages["topic (old)"] and OLD["question"] not in pages["topic (new)"]
    assert OLD["question"] in pages["search"] and "Urate crystals" in pages["article page"]
    assert OLD["question"] in pages["related list"] and OLD["question"] in pages["follow-up matches"]
    assert OLD["question"] in pages["feed"] and OLD["summary"] in pages["feed"]


def test_recently_updated_follows_the_published_text_not_the_draft(published, client):
    """A private edit does not move an article up "Recently updated"; its approval does."""
    later = make_approved_article("Is a later approved question listed first?", guidelines="Yes.")
    home = client.get("/").content.decode()
    updated = home[home.index("Recently updated") :]
    assert updated.index(later.question) < updated.index(OLD["question"])
    approve_current(published["article"])
    updated = client.get("/").content.decode()
    updated = updated[updated.index("Recently updated") :]
    assert updated.index(NEW["question"]) < updated.index(later.question)


def test_once_approved_the_update_shows_on_every_surface_at_once(published, django_capture_on_commit_callbacks):
    """After approval, the very next request of each surface shows the new question, text and topic."""
    with django_capture_on_commit_callbacks(execute=True):
        approve_current(published["article"])
    pages = surfaces(
        published["reader"], published["article"], published["linking"], published["old_topic"], published["new_topic"]
    )
    for name in ("article page", "article page again (page cache)", "home", "topic (new)", "search (new words)",
                 "related list", "follow-up matches", "feed"):  # fmt: skip
        assert NEW["question"] in pages[name], f"the approved update is missing on {name}"
        assert OLD["question"] not in pages[name], f"the replaced question is still on {name}"
    assert "Colchicinoid draft wording." in pages["article page"]
    assert OLD["question"] not in pages["topic (old)"]


def test_a_never_approved_draft_is_on_no_surface(client):
    """A private draft has no published revision: no page, list or search shows it."""
    from tests.factories import make_article

    draft = make_article("Is this private draft about podagra visible?", status=Status.DRAFT, guidelines="Colchicinoid.")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.question not in client.get("/").content.decode()
    assert draft.question not in client.get("/search/?q=podagra").content.decode()
    assert Article.objects.get(pk=draft.pk).published_revision is None


def test_structured_data_carries_only_the_published_topic_and_label(published, client):
    """The JSON-LD a search engine reads follows the published revision too, not the editor's working copy."""
    import json

    soup = BeautifulSoup(client.get(published["article"].get_absolute_url()).content, "html.parser")
    (block,) = soup.select('script[type="application/ld+json"]')
    data = json.loads(block.string)
    assert data["about"]["name"] == "Gout" and data["name"] == OLD["question"]
    assert "podagra" not in block.string and "Foot pain" not in block.string
