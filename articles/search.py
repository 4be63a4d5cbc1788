"""
Search over what readers see: one engine for the search page, follow-up matches and related questions.

Everything here reads the published copy (``published_question``, ``published_summary``,
``published_body``: the published revision's text, kept in step by ``articles.publishing``),
never the editors' working copy.

On PostgreSQL a stored generated ``search_vector`` column (question weight A, summary B,
body C) with a GIN index does the matching, ``ts_rank`` the ranking and ``ts_headline`` the
snippets (migration 0004). On SQLite the same functions fall back to ``icontains`` over the
query's words with a weighted score, so the pages work the same way.

Snippets are built safely: the database marks matches with two private-use characters,
everything is escaped, and only then are those markers turned into our own ``<mark>`` tags.
"""

import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.expressions import Expression
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .generation import current_generation
from .models import Article, SearchSynonym

CONFIG = "english"
QUESTION_COLUMN = "published_question"  # the displayed question's column, as follow-up matching reads it
MAX_QUERY_LENGTH = 200
MAX_TERMS_ALL = 8
MAX_TERMS_ANY = 30
# A broad query ("cancer") matches thousands of articles: only this many matches are ranked (the
# index's first ones, unordered), so a search costs the same whatever the database size.
SEARCH_CANDIDATES = 1000
SNIPPET_SOURCE = 2000  # characters of summary and answer that search snippets are taken from (ts_headline costs with length)
MARK_START, MARK_STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{MARK_START}{MARK_STOP}]")
_MARKED = re.compile(f"({MARK_START}[^{MARK_START}{MARK_STOP}]*{MARK_STOP})")
_WORD = re.compile(r"[^\W_]+")
# Control characters are never part of a question, and NUL breaks PostgreSQL string literals.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Words too common to say anything about a medical question (a short English stop list).
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been being but by can could did do does doing for from had
    has have how i if in into is it its may me might my no not of on or our should so than that the their them
    then there these they this to too was we were what when where which who whom why will with would you your""".split()
)


def clean_query(text):
    """The query as searched: control characters removed, whitespace collapsed, length capped."""
    text = _CONTROL.sub(" ", str(text or ""))
    text = _MARKERS.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def terms_of(text, limit=MAX_TERMS_ALL):
    """The query's meaningful words, lower-cased and de-duplicated, in order."""
    words = [word.lower() for word in _WORD.findall(text or "")]
    terms = [word for word in dict.fromkeys(words) if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())]
    return terms[:limit]


def is_postgres():
    return connection.vendor == "postgresql"


# --- Matching and ranking ------------------------------------------------------------------------------


class _SearchVectorColumn(Expression):
    """The generated search_vector column of the query's own article table (its alias, so subqueries stay uncorrelated)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


def _search_vector():
    return _SearchVectorColumn()


# --- Synonyms: a reader's words and the words our articles use -------------------------------------------

MAX_VARIANTS = 6
_loaded_synonyms = (None, ())  # (page generation, rows): this process's copy


def synonyms():
    """(term, [alternatives]) pairs, longest term first.

    The small table is read once per page generation: a synonym change sets a new generation
    (``articles.cache``), and every server sees it, so no server keeps an old list.
    """
    global _loaded_synonyms
    generation = current_generation()
    loaded_at, rows = _loaded_synonyms
    if loaded_at != generation:
        rows = sorted(((s.term, s.alternative_list) for s in SearchSynonym.objects.all()), key=lambda row: -len(row[0]))
        _loaded_synonyms = (generation, rows)
    return rows


def query_variants(text):
    """The query, then the query with each synonym's term replaced by each of its alternatives."""
    lowered = " ".join(text.lower().split())
    variants = [text]
    for term, alternatives in synonyms():
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")
        if pattern.search(lowered):
            variants.extend(pattern.sub(alternative, lowered) for alternative in alternatives)
    return list(dict.fromkeys(variants))[:MAX_VARIANTS]


def _pg_query(text, mode, weight=""):
    """The tsquery for the text and its synonym variants: any variant may match."""
    return reduce(or_, [_pg_single_query(variant, mode, weight) for variant in query_variants(text)])


def _pg_single_query(text, mode, weight=""):
    if mode == "all":
        return SearchQuery(text, config=CONFIG, search_type="websearch")
    return SearchQuery(_any_word(text, weight), config=CONFIG, search_type="raw")


def _any_word(text, weight=""):
    """Any word may match: an OR of the words (letters and digits only, so safe as raw tsquery
    syntax); weight "A" keeps only matches in the question."""
    suffix = f":{weight}" if weight else ""
    return " | ".join(f"{term}{suffix}" for term in terms_of(text, limit=MAX_TERMS_ANY))


def stem(term):
    """A crude plural strip so "tumors" finds "tumor" where PostgreSQL's stemmer is not available."""
    return term[:-1] if len(term) > 4 and term.endswith("s") and not term.endswith("ss") else term


def search(text, *, mode="all", queryset=None):
    """Public articles matching the text, best first, each annotated with `rank`.

    mode "all": every word must match (the search page); "any": any word may (similar articles).
    """
    text = clean_query(text)
    limit = MAX_TERMS_ALL if mode == "all" else MAX_TERMS_ANY
    terms = terms_of(text, limit=limit)
    base = Article.objects.public() if queryset is None else queryset
    if not terms:
        return base.none()
    if is_postgres():
        query = _pg_query(text, mode)
        # "any" matches nearly every article on common words: its candidates are the articles
        # whose question shares a word, the likeliest to be about the same thing.
        candidate_query = query if mode == "all" else _pg_query(text, mode, weight="A")
        matching = base.annotate(vector=_search_vector()).filter(vector=candidate_query)
        # Bounded cost: rank at most SEARCH_CANDIDATES of the GIN index's matches, not every one.
        candidates = matching.order_by().values("pk")[:SEARCH_CANDIDATES]
        results = base.filter(pk__in=candidates).annotate(rank=SearchRank(_search_vector(), query))
    else:
        combined, stems = None, []
        # As on PostgreSQL, "any" takes its candidates from the questions: a long text shares some
        # word with nearly every body, and the first SEARCH_CANDIDATES of those would be arbitrary.
        fields = ("published_question",) if mode == "any" else ("published_question", "published_summary", "published_body")
        for variant in query_variants(text):
            variant_stems = [stem(term) for term in terms_of(variant, limit=limit)]
            if not variant_stems:
                continue
            stems.extend(variant_stems)
            matches = [reduce(or_, [Q(**{f"{field}__icontains": s}) for field in fields]) for s in variant_stems]
            variant_match = reduce((lambda a, b: a & b) if mode == "all" else or_, matches)
            combined = variant_match if combined is None else combined | variant_match
        stems = list(dict.fromkeys(stems))
        parts = [
            Case(When(**{f"{field}__icontains": s}, then=Value(weight)), default=Value(0))
            for s in stems
            for field, weight in (("published_question", 8), ("published_summary", 3), ("published_body", 1))
        ]
        candidates = base.filter(combined).order_by().values("pk")[:SEARCH_CANDIDATES]
        results = base.filter(pk__in=candidates).annotate(rank=_balanced_sum(parts))
    return results.order_by("-rank", F("live_revision").desc(nulls_last=True), "published_question")


def _balanced_sum(parts):
    """a + b + c … as a balanced tree: a long chain overflows SQLite's parser stack on long questions."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return _balanced_sum(parts[:middle]) + _balanced_sum(parts[middle:])


def results_page(text, number, per_page):
    """One page of the search page's results: all words first; if none match, any word.

    Returns (articles, mode, count, number). The page and the count (at most SEARCH_CANDIDATES)
    come from one query, the count as a window over the ranked matches, so the index is searched
    once per mode. A page number past the end gives the last page, as Paginator.get_page does.
    """
    fetch = _pg_page if is_postgres() else _orm_page
    for mode in ("all", "any"):
        articles = fetch(text, mode, (number - 1) * per_page, per_page)
        if articles:
            return articles, mode, articles[0].matches, number
        count = search(text, mode=mode).count() if number > 1 else 0  # past the end (rare): count it
        if count:
            last = (count + per_page - 1) // per_page
            return fetch(text, mode, (last - 1) * per_page, per_page), mode, count, last
    return [], "any", 0, 1


def _orm_page(text, mode, offset, limit):
    """A page of `search` (SQLite), each article with `matches`, the number of matches."""
    listed = ("pk", "slug", "published_question", "published_summary", "published_body", "published_is_demo", "live_revision")
    results = search(text, mode=mode).only(*listed).annotate(matches=Window(Count("*")))
    return list(results[offset : offset + limit])


# `search` on PostgreSQL, written out for the search page, its busiest caller: building and
# compiling the same query through the ORM took longer than PostgreSQL takes to run it. The
# matching, the ranking and the order are `search`'s (tests compare the two); the highlights
# (ts_headline, whose cost grows with the text) are made for the rows shown only. The snippet
# comes from the first SNIPPET_SOURCE characters of the answer when it opens with the summary
# (MedQuAD's summary is its answer's first sentences), else of the summary and the answer.
_PG_PAGE = """
WITH candidates AS (
    SELECT id FROM articles_article
    WHERE published_revision_id IS NOT NULL AND search_vector @@ ({candidates})
    LIMIT %(candidate_limit)s
), ranked AS (
    SELECT a.id, ts_rank(a.search_vector, ({query})) AS rank, count(*) OVER () AS matches
    FROM articles_article a JOIN candidates USING (id)
    ORDER BY rank DESC, a.live_revision_id DESC NULLS LAST, a.published_question
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT a.id, a.slug, a.published_question, a.published_summary, a.published_is_demo, a.live_revision_id,
       ranked.rank, ranked.matches,
       ts_headline(%(config)s::regconfig, a.published_question, ({query}), %(title_options)s) AS title_hl,
       ts_headline(
           %(config)s::regconfig,
           left(CASE WHEN left(a.published_body, length(left(a.published_summary, %(opening)s)))
                          = left(a.published_summary, %(opening)s)
                     THEN a.published_body
                     ELSE a.published_summary || ' ' || a.published_body END, %(source)s),
           ({query}),
           %(snippet_options)s
       ) AS snippet_hl
FROM ranked JOIN articles_article a USING (id)
ORDER BY ranked.rank DESC, a.live_revision_id DESC NULLS LAST, a.published_question
"""
_TITLE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"
_SNIPPET_OPTIONS = f'StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=2, MaxWords=28, MinWords=12, FragmentDelimiter=" … "'


def _pg_page(text, mode, offset, limit):
    """A page of `search` (PostgreSQL) with its highlights, each article with `matches`."""
    variants = query_variants(clean_query(text))
    if mode == "all":
        function, query_texts, candidate_texts = "websearch_to_tsquery", variants, variants
    else:  # as in `search`, the candidates are the articles whose question shares a word
        function, query_texts, candidate_texts = "to_tsquery", [_any_word(v) for v in variants], [_any_word(v, "A") for v in variants]
    params = {
        "config": CONFIG, "candidate_limit": SEARCH_CANDIDATES, "limit": limit, "offset": offset,
        "opening": SUMMARY_OPENING, "source": SNIPPET_SOURCE, "title_options": _TITLE_OPTIONS, "snippet_options": _SNIPPET_OPTIONS,
    }

    def tsquery(name, texts):
        params.update({f"{name}{n}": t for n, t in enumerate(texts)})
        return " || ".join(f"{function}(%(config)s::regconfig, %({name}{n})s)" for n in range(len(texts)))

    sql = _PG_PAGE.format(candidates=tsquery("c", candidate_texts), query=tsquery("q", query_texts))
    return list(Article.objects.raw(sql, params))


def similar_articles(text, *, exclude=(), limit=5, topic_id=None):
    """Up to `limit` answered public articles most similar to the text (any word may match); with
    `topic_id`, articles on that topic first."""
    results = search(text, mode="any", queryset=Article.objects.answered()).exclude(pk__in=list(exclude))
    if topic_id:
        results = results.order_by(
            Case(When(published_topic_id=topic_id, then=Value(0)), default=Value(1)), *results.query.order_by
        )
    return list(results[:limit])


# --- Snippets --------------------------------------------------------------------------------------------


def safe_marked(text):
    """Escape everything, then turn our own match markers into <mark> tags."""
    out = []
    for part in _MARKED.split(text or ""):
        if part.startswith(MARK_START) and part.endswith(MARK_STOP):
            out.append(f"<mark>{escape(part[1:-1])}</mark>")
        else:
            out.append(escape(_MARKERS.sub("", part)))
    return mark_safe("".join(out))


def _mark_terms(text, stems):
    if not stems:
        return text
    # Mark whole words containing a term, as PostgreSQL marks whole words.
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    pattern = re.compile(rf"\w*(?:{alternatives})\w*", re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", text)


def _fallback_snippet(text, stems, width=240):
    lower = text.lower()
    hits = [lower.find(s) for s in stems if lower.find(s) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    snippet = text[start : start + width]
    if start + width < len(text):
        snippet = snippet.rsplit(" ", 1)[0] + " …"
    return ("… " if start else "") + snippet


# Most answers open with their summary (MedQuAD's summary is the answer's first sentences): the
# snippet then comes from the answer alone, or the same sentences would be shown twice.
SUMMARY_OPENING = 60  # characters compared


def _snippet_source(article):
    summary, body = article.published_summary or "", article.published_body or ""
    opens_with_summary = body.startswith(summary[:SUMMARY_OPENING])
    return (body if opens_with_summary else " ".join(filter(None, [summary, body])))[:SNIPPET_SOURCE]


def with_snippets(articles, text, mode="all"):
    """Give each article `title_html` and `snippet_html`: matches highlighted, everything else escaped.

    On PostgreSQL the articles come from ``_pg_page`` with their highlights; elsewhere they are made here.
    """
    articles = list(articles)
    if not articles:
        return articles
    if is_postgres():
        found = {a.pk: (a.title_hl, a.snippet_hl) for a in articles}
    else:
        text = clean_query(text)
        stems = list(dict.fromkeys(stem(t) for v in query_variants(text) for t in terms_of(v, limit=MAX_TERMS_ANY)))
        found = {
            a.pk: (
                _mark_terms(a.published_question, stems),
                _mark_terms(_fallback_snippet(_snippet_source(a), stems), stems),
            )
            for a in articles
        }
    for article in articles:
        title, snippet = found.get(article.pk, (article.published_question, article.published_summary))
        article.title_html = safe_marked(title or article.published_question)
        article.snippet_html = safe_marked(snippet or "")
    return articles


# --- Related questions -----------------------------------------------------------------------------------

RELATED_LIMIT = 5


def fill_related(article, chosen, limit=RELATED_LIMIT):
    """The editors' related questions first, then the most similar public articles up to `limit` in all."""
    chosen = list({a.pk: a for a in chosen}.values())
    if len(chosen) >= limit:
        return chosen
    text = " ".join(filter(None, [article.published_question, article.published_summary]))
    candidates = similar_articles(
        text, exclude=[article.pk, *(a.pk for a in chosen)], limit=limit * 2, topic_id=article.published_topic_id
    )
    return chosen + distinct_questions(candidates, besides=[article, *chosen])[: limit - len(chosen)]


def distinct_questions(articles, *, besides=()):
    """The articles, best first, without repeats of a question already listed or in `besides`.

    Several sources answer the same question ("What causes Urinary Incontinence?") in separate
    articles; two identical links are no help to the reader. The first one of each stays.
    """
    seen = {" ".join((a.published_question or "").lower().split()) for a in besides}
    kept = []
    for article in articles:
        question = " ".join((article.published_question or "").lower().split())
        if question not in seen:
            seen.add(question)
            kept.append(article)
    return kept
