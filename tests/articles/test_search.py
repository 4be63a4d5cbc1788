"""Search at /search/?q=: public articles only, question above summary above body, helpful when empty."""

import pytest
from bs4 import BeautifulSoup

from articles import search as engine
from articles.models import Article, Status
from tests.factories import make_approved_article, make_article

pytestmark = pytest.mark.django_db


def result_titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".search-result__link")]


def test_a_title_match_outranks_a_body_only_match(client):
    """On either database, the article asking about the word comes before one that only mentions it."""
    body_only = make_approved_article(
        "How is high blood pressure treated?", guidelines="Some people also take levothyroxine for other reasons."
    )
    title = make_approved_article("What is levothyroxine used for?", guidelines="It replaces thyroid hormone.")
    assert result_titles(client.get("/search/?q=levothyroxine")) == [title.question, body_only.question]
    assert list(engine.search("levothyroxine")) == [title, body_only]


def test_a_summary_match_outranks_a_body_only_match(client):
    body_only = make_approved_article("Question one about sleep?", guidelines="Melatonin is sometimes mentioned here.")
    summary = make_approved_article("Question two about sleep?", summary="Melatonin can help jet lag.", guidelines="Text.")
    assert list(engine.search("melatonin")) == [summary, body_only]


def test_drafts_never_appear(client):
    make_article("What is a private draft about gout?", status=Status.DRAFT, guidelines="Gout draft text.")
    pending = make_article("What causes gout?", status=Status.SUBMITTED, guidelines="Uric acid crystals.")
    assert result_titles(client.get("/search/?q=gout")) == [pending.question]


def test_readers_find_the_approved_text_not_an_update_under_review(client):
    """While an edit awaits review, search matches what readers see: the approved revision."""
    from tests.factories import edit_article

    article = make_approved_article("What is asthma?", guidelines="Asthma narrows the airways.")
    edit_article(article, guidelines="Completely rewritten text mentioning bronchodilators.")
    assert result_titles(client.get("/search/?q=airways")) == [article.question]
    assert result_titles(client.get("/search/?q=bronchodilators")) == []


def test_matches_are_highlighted_in_the_title_and_snippet(client):
    make_approved_article("What is psoriasis?", summary="Psoriasis is a skin condition.", guidelines="Plaques on the skin.")
    soup = BeautifulSoup(client.get("/search/?q=psoriasis").content, "html.parser")
    assert [m.get_text().lower() for m in soup.select(".search-result__link mark")] == ["psoriasis"]
    assert "psoriasis" in [m.get_text().lower() for m in soup.select(".search-result__snippet mark")]


def test_results_are_paginated(client):
    for n in range(13):
        make_approved_article(f"Eczema question number {n}?", slug=f"eczema-{n}", guidelines="Eczema text.")
    first = client.get("/search/?q=eczema")
    assert len(result_titles(first)) == 10
    assert "13 articles found" in first.content.decode()
    assert 'href="?q=eczema&amp;page=2"' in first.content.decode()
    second = client.get("/search/?q=eczema&page=2")
    assert len(result_titles(second)) == 3
    assert set(result_titles(first)).isdisjoint(result_titles(second))
    assert "13 articles found" in second.content.decode()


@pytest.mark.parametrize("page", ["999", "99999999999999999999", "abc", "-1", "0", "²", "1.5", ""])
def test_a_page_number_past_the_end_or_not_a_number_still_gets_results(client, page):
    """Past the last page: the last page, as a reader following an old link expects; nonsense: the first."""
    for n in range(13):
        make_approved_article(f"Eczema question number {n}?", slug=f"eczema-{n}", guidelines="Eczema text.")
    response = client.get("/search/", {"q": "eczema", "page": page})
    assert response.status_code == 200
    expected = 3 if page.isascii() and page.isdigit() and int(page) > 1 else 10
    assert len(result_titles(response)) == expected
    assert "13 articles found" in response.content.decode()


def test_no_match_for_all_words_falls_back_to_any_word(client):
    article = make_approved_article("What is anemia?", guidelines="Low iron.")
    response = client.get("/search/?q=anemia+zebrafish")
    assert result_titles(response) == [article.question]
    assert "matching some of your words" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "Type a condition, a symptom or a treatment."),
        ("   ", "Type a condition, a symptom or a treatment."),
        ("!!! ??? ---", "We could not find any words to search for"),
        ("the of and", "We could not find any words to search for"),
        ("zzqxwv", "No articles match “zzqxwv”."),
        ("\x00 & | ! ( ) : * ' \\ <> <->", "We could not find any words to search for"),
    ],
)
def test_empty_garbage_and_unmatched_queries_get_a_helpful_page(client, query, message):
    make_approved_article("What is gout?", guidelines="Uric acid.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_tsquery_syntax_is_just_text(client):
    """Operators a search engine might misread are searched as words, never an error."""
    article = make_approved_article("What is gout?", guidelines="Uric acid.")
    for query in ["gout & | !", "gout:*", "'gout'", "(gout", "gout <-> acid", '"gout', "-gout gout", "gout\\"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        assert article.question in result_titles(response) or "No articles match" in response.content.decode(), query


def test_a_very_long_query_is_cut_and_said_so(client):
    article = make_approved_article("What is gout?", guidelines="Uric acid.")
    response = client.get("/search/", {"q": "gout " * 2000})
    assert response.status_code == 200
    html = response.content.decode()
    assert "we used its first 200 characters" in html
    assert result_titles(response) == [article.question]


def test_the_demo_content_is_searchable(client, demo_content):
    """A patient searching the demo site for the seed article's words finds it first."""
    seed = Article.objects.get(slug="what-is-the-likely-cause-of-neuroendocrine-tumors-nets")
    titles = result_titles(client.get("/search/?q=cause+of+neuroendocrine+tumors"))
    assert titles[0] == seed.question
    # NIH answers imported from MedQuAD are found by their own words, and drafts never.
    titles = result_titles(client.get("/search/?q=pancreatic+neuroendocrine"))
    assert titles and all("ancreatic" in t or "euroendocrine" in t for t in titles[:3])


def test_every_page_has_a_search_box_and_footer(client):
    """In the header on every page; on the home and search pages, the large box in the page instead."""
    for url in ("/", "/search/", "/editorial-policy/", "/disclaimer/", "/medical-advisory-board/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        form = soup.select_one("main form[role=search]" if url in ("/", "/search/") else "header form[role=search]")
        assert form is not None and form["action"] == "/search/", url
        assert soup.select_one("footer") is not None, url


def test_a_long_question_of_many_words_is_searched_without_error(client):
    """Sixty words (a pasted paragraph) still search, on either database, and find the article."""
    article = make_approved_article("What is gout?", guidelines="Uric acid.")
    words = "gout " + " ".join(f"word{n}" for n in range(60))
    assert engine.similar_articles(words) == [article]
    response = client.get("/search/", {"q": words})
    assert response.status_code == 200
    assert result_titles(response) == [article.question]


def test_a_broad_query_ranks_a_bounded_number_of_matches(monkeypatch):
    """However many articles match, only SEARCH_CANDIDATES of them are ranked and listed."""
    from articles import search as engine

    for n in range(5):
        make_approved_article(f"Bounded search question {n} about eczema?", guidelines="Eczema care.")
    assert engine.search("eczema").count() == 5
    monkeypatch.setattr(engine, "SEARCH_CANDIDATES", 3)
    results = list(engine.search("eczema"))
    assert len(results) == 3 and all("eczema" in article.published_question for article in results)


def test_the_search_page_lists_what_search_finds_in_the_same_order(client):
    """The search page runs its own query on PostgreSQL: same matches, same order as `search`, both modes."""
    from articles.models import SearchSynonym
    from tests.factories import edit_article

    SearchSynonym.objects.update_or_create(term="heart attack", defaults={"alternatives": "myocardial infarction"})
    make_approved_article("What causes a heart attack?", summary="A blocked artery.", guidelines="Heart muscle dies.")
    make_approved_article("What is a myocardial infarction?", guidelines="The clinical name of a heart attack.")
    make_approved_article("How is heart failure treated?", guidelines="Medicines help the heart pump; an attack of breathlessness.")
    # Ranked alike: the reviewed answer comes before the one pending review, whatever the alphabet says.
    make_article("A heart attack question?", status=Status.SUBMITTED, guidelines="Same words.")
    make_approved_article("B heart attack question?", guidelines="Same words.")
    make_article("Heart attack draft", status=Status.DRAFT, guidelines="A private heart attack draft.")
    reviewed = make_approved_article("Can a heart attack be prevented?", guidelines="Statins and exercise.")
    edit_article(reviewed, guidelines="Rewritten while waiting for review.")
    for query, mode in [("heart attack", "all"), ("heart attack statins", "all"), ("attack banana", "any")]:
        expected = list(engine.search(query, mode=mode))
        articles, found_mode, count, number = engine.results_page(query, 1, 10)
        assert (found_mode, count, number) == (mode, len(expected), 1)
        assert [a.pk for a in articles] == [a.pk for a in expected], query
        assert "Heart attack draft" not in [a.published_question for a in articles]
    titles = [a.published_question for a in engine.results_page("heart attack question", 1, 10)[0]]
    assert titles == ["B heart attack question?", "A heart attack question?"]
    second, _, _, _ = engine.results_page("heart attack", 2, 2)
    assert [a.pk for a in second] == [a.pk for a in engine.search("heart attack")][2:4] and len(second) == 2


def test_a_lay_term_finds_the_article_that_uses_the_clinical_one(client):
    """“carcinoid” (a reader's word, in the synonym list) finds the neuroendocrine tumour article."""
    article = make_approved_article(
        "What is the likely cause of neuroendocrine tumors?", guidelines="Neuroendocrine tumors start in hormone cells."
    )
    assert result_titles(client.get("/search/?q=carcinoid")) == [article.question]
    assert result_titles(client.get("/search/?q=carcinoid+tumour")) == [article.question]


def test_editors_add_synonyms_and_search_uses_them_at_once(client):
    """A synonym saved in the admin's list changes the very next search."""
    from articles.models import SearchSynonym

    article = make_approved_article("How is hyperhidrosis treated?", guidelines="Hyperhidrosis can be treated.")
    assert result_titles(client.get("/search/?q=heavy+sweating")) == []
    SearchSynonym.objects.create(term="Heavy  Sweating", alternatives="hyperhidrosis")
    assert result_titles(client.get("/search/?q=heavy+sweating")) == [article.question]


def test_a_snippet_is_taken_from_the_start_of_a_long_answer(client):
    """Snippets come from the summary and the first SNIPPET_SOURCE characters, so a very long answer
    costs no more to show; a match at the start is still highlighted, and the rest never shows."""
    filler = "Plain words about care at home. " * 400  # ~12,800 characters
    make_approved_article("What is lichen planus?", guidelines=f"Lichen planus affects skin. {filler} Zinc-deep-ending.")
    soup = BeautifulSoup(client.get("/search/?q=lichen").content, "html.parser")
    snippet = soup.select_one(".search-result__snippet")
    assert "lichen" in [m.get_text().lower() for m in snippet.select("mark")]
    assert "Zinc-deep-ending" not in snippet.get_text()


def test_a_snippet_does_not_repeat_a_summary_the_answer_opens_with(client):
    """MedQuAD's summary is the answer's first sentences: the snippet shows them once, not twice."""
    opening = "Gout is caused by uric acid crystals in a joint."
    make_approved_article("What causes gout?", summary=opening, guidelines=f"{opening} Diet and some medicines raise uric acid.")
    make_approved_article(
        "How is gout treated?", summary="Medicines ease a gout attack.", guidelines="Colchicine or NSAIDs ease gout pain."
    )
    soup = BeautifulSoup(client.get("/search/?q=gout").content, "html.parser")
    snippets = [s.get_text() for s in soup.select(".search-result__snippet")]
    assert len(snippets) == 2
    assert sum(snippet.count("uric acid crystals") for snippet in snippets) == 1
    assert any("Medicines ease" in snippet for snippet in snippets)  # a summary of its own is still shown


def test_topics_are_offered_when_nothing_is_found(client):
    """A search with no result suggests the busiest topics; one with results lists only the results."""
    from tests.factories import make_topic

    make_approved_article("What is rosacea?", topic=make_topic("Skin conditions"), guidelines="Facial redness.")
    found, empty = client.get("/search/?q=rosacea"), client.get("/search/?q=zzyzx")
    assert result_titles(found) == ["What is rosacea?"] and "Skin conditions" not in found.content.decode()
    assert result_titles(empty) == [] and "Skin conditions" in empty.content.decode()
