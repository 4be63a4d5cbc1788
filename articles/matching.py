"""Follow-up matches: the public articles that answer a reader's question, each with why it was chosen.

Order: articles on the question's focus that answer the kind of question asked (among them, one
written for the group the question is about, such as children, first); then the same focus,
other kinds; then, only to fill the list, a full-text search over the question's own meaningful
words (its question sentences, without stop words or the story around them).
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL

from . import search as engine
from .models import Article, QuestionType
from .populations import asked_about, preference
from .understanding import understand

MAX_FOCI = 3
MAX_CANDIDATES = 200  # articles per question considered for ranking (a focus has a handful)
# What a match needs: its link, its explanation and its tie-breaks (never the long body).
SHOWN = ["pk", "slug", "published_focus", "published_question_type", "live_revision_id", engine.QUESTION_COLUMN]
MAX_POOL = 500  # articles ranked by the any-word full-text fallback, so its cost does not grow with the site


@dataclass
class FollowUpAnswer:
    """The articles matching a question and what we understood of it."""

    articles: list = field(default_factory=list)  # each with .match_reason
    focus: str = ""  # the focus as articles name it, "" when none was recognised
    question_type: str = ""

    @property
    def type_label(self):
        return QuestionType(self.question_type).label if self.question_type else ""


def _stem(word):
    return re.sub(r"(ies|es|s|ing|ed)$", "", word) if len(word) > 4 else word


def _overlap(terms, text):
    """How many of the question's meaningful words the article's question uses."""
    words = {_stem(w) for w in re.findall(r"[^\W_]+", (text or "").lower())}
    return sum(1 for term in terms if _stem(term) in words)


def _reason(article):
    kind = article.published_question_type
    label = QuestionType(kind).label if kind in QuestionType.values else ""
    return f"About {article.published_focus}: {label}" if label else f"About {article.published_focus}"


def follow_up_matches(text, *, exclude=(), limit=5):
    """Up to `limit` public articles answering the question, best first, as a FollowUpAnswer."""
    understood = understand(text)
    groups = asked_about(text)  # who the question is about: children, men, women, older adults
    foci = understood.foci[:MAX_FOCI]
    asked = understood.question_type
    answer = FollowUpAnswer(question_type=asked)
    exclude = list(exclude)
    ids = list(dict.fromkeys(pk for f in foci for pk in sorted(f.article_ids)))[:MAX_CANDIDATES]  # first focus first
    if ids:
        candidates = list(Article.objects.answered().filter(pk__in=ids).exclude(pk__in=exclude).only(*SHOWN))

        wanted = [asked or QuestionType.INFORMATION, *understood.also_asked]  # no kind asked: what it is first

        def rank(article):
            focus_index = next(i for i, f in enumerate(foci) if article.pk in f.article_ids)
            kind = article.published_question_type
            return (
                wanted.index(kind) if kind in wanted else len(wanted),
                focus_index,
                preference(article.published_focus, groups),  # "… in Children" for a child, after the general one otherwise
                -_overlap(understood.terms, getattr(article, engine.QUESTION_COLUMN)),
                article.live_revision_id is None,  # reviewed answers before pending ones
                article.published_question,
            )

        candidates = engine.distinct_questions(sorted(candidates, key=rank))
        for article in candidates[:limit]:
            article.match_reason = _reason(article)
        answer.articles = candidates[:limit]
        if answer.articles:
            answer.focus = answer.articles[0].published_focus  # what the reader is told matches the list's top
    if len(answer.articles) < limit and understood.terms:
        # A few more than needed: some may ask the same question as an article already listed.
        more = _full_text(understood, exclude + [a.pk for a in answer.articles], limit - len(answer.articles) + 3, any_word=not foci)
        answer.articles = engine.distinct_questions(answer.articles + more)[:limit]
    return answer


def _full_text(understood, exclude, limit, *, any_word):
    """Articles sharing the question's meaningful words: all of them, then (with no focus found) any of them."""
    in_questions = _in_questions if engine.is_postgres() else _in_questions_without_postgres
    found = in_questions(understood.terms, exclude, limit, operator="&")
    if any_word and len(found) < limit:
        found += in_questions(understood.terms, exclude + [a.pk for a in found], limit - len(found), operator="|")
    for article in found:
        shared = [t for t in understood.terms if _stem(t) in (article.published_question or "").lower()]
        article.match_reason = (
            f"Shares the word{'s' if len(shared) > 1 else ''} " + ", ".join(f"“{t}”" for t in shared[:3]) + " with your question"
            if shared
            else "Shares words with your question"
        )
    return found


def _in_questions(terms, exclude, limit, *, operator):
    """Public articles whose question holds all ("&") or any ("|") of the words, best first (PostgreSQL).

    Only the question is searched, through its own index (migration 0013): ranking every article whose
    long body mentions a common word is what made the old matching slow, and an article about a thing
    names it in its question. At most MAX_POOL matches are ranked, so the cost does not grow with the site.
    """
    terms = [term for term in terms if term.isalnum()][:8]  # letters and digits only: safe as raw tsquery
    if not terms:
        return []
    query = SearchQuery(f" {operator} ".join(terms), config=engine.CONFIG, search_type="raw")
    vector = RawSQL(f"to_tsvector('{engine.CONFIG}'::regconfig, \"articles_article\".\"{engine.QUESTION_COLUMN}\")", [])
    vector.output_field = SearchVectorField()
    matching = Article.objects.answered().annotate(qv=vector).filter(qv=query).exclude(pk__in=exclude)
    pool = list(matching.order_by().values_list("pk", flat=True)[:MAX_POOL])  # a list: the raw column needs no alias
    ranked = Article.objects.filter(pk__in=pool).annotate(rank=SearchRank(vector, query)).only(*SHOWN)
    return list(ranked.order_by("-rank", "published_question")[:limit])


def _in_questions_without_postgres(terms, exclude, limit, *, operator):
    """_in_questions on SQLite: the words (plural-stripped) in the question, ranked by how many it holds.

    Only the question is searched, as on PostgreSQL: scanning every long answer for a common word
    took SQLite some 40 ms a question, and an article about a thing names it in its question. The
    search's own plural strip, not `_stem`: "hearing" cut to "hear" would be found in "heart".
    """
    stems = list(dict.fromkeys(engine.stem(term) for term in terms[:8]))
    if not stems:
        return []
    holds = [Q(**{f"{engine.QUESTION_COLUMN}__icontains": stem}) for stem in stems]
    matching = Article.objects.answered().filter(reduce(and_ if operator == "&" else or_, holds)).exclude(pk__in=exclude)
    counts = [Case(When(hold, then=Value(1)), default=Value(0)) for hold in holds]
    held = sum(counts[1:], counts[0])
    return list(matching.annotate(held=held).order_by("-held", engine.QUESTION_COLUMN).only(*SHOWN)[:limit])
