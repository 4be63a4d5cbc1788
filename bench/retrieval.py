"""Follow-up matching quality and speed: the matching the issue measured (baseline) against follow_up_matches.

The baseline is the follow-up matching as it stood when the issue was filed (commit b5b1f0d's
``similar_articles``: an OR of up to 30 of the reader's words, every matching article ranked by
``ts_rank``; on SQLite a weighted count of the words found), frozen here in ``issue_time_matching``
over today's published columns, so before and after are measured side by side in one run.

Scores the hand-written development sets (bench/data/followup-dev.jsonl; followup-dev-stories.jsonl and
the web-form messages written blind by helpers, followup-dev-messages.jsonl, each in a tuning and a
held-out half) and the generated set (followup-generated.jsonl) with MRR@10, P@1
and recall@10, and times each call (p50/p95), on every database given, in one run; then all of
their questions together, as the one development set the issue asks for (hand-written questions
plus a generated set). Each database must hold the MedQuAD import (python manage.py import_medquad).

Usage: python bench/retrieval.py --sqlite /tmp/bench.sqlite3 --postgres postgres://user@127.0.0.1:54352/db
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# label -> (file, which of its questions). The story-style set was written blind to the matcher and
# scored once whole (see the README); after that, only its first, third, fifth… message ("tuning
# half") was read to improve the matcher, and the others ("held-out half") were not looked at. The
# web-form messages were written by helpers who never saw the matcher, scored once whole (see the
# README), and split the same way after that.
SETS = {
    "dev (hand-written)": ("followup-dev.jsonl", slice(None)),
    "stories, tuning half": ("followup-dev-stories.jsonl", slice(0, None, 2)),
    "stories, held-out half": ("followup-dev-stories.jsonl", slice(1, None, 2)),
    "web-form messages, tuning half": ("followup-dev-messages.jsonl", slice(0, None, 2)),
    "web-form messages, held-out half": ("followup-dev-messages.jsonl", slice(1, None, 2)),
    "generated (synonym x type)": ("followup-generated.jsonl", slice(None)),
}
K = 10


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def score(ranked, relevant):
    """(reciprocal rank within K, hit at 1, recall within K) of one ranked list of external ids."""
    rr = next((1 / (i + 1) for i, eid in enumerate(ranked[:K]) if eid in relevant), 0.0)
    return rr, float(bool(ranked) and ranked[0] in relevant), len(set(ranked[:K]) & relevant) / len(relevant)


def issue_time_matching(text, limit):
    """Commit b5b1f0d's follow-up matching (articles.search.similar_articles then), unbounded."""
    from functools import reduce
    from operator import or_

    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import Case, F, Q, Value, When

    from articles import search as engine
    from articles.models import Article

    terms = engine.terms_of(engine.clean_query(text), limit=30)
    if not terms:
        return []
    base = Article.objects.public()
    if engine.is_postgres():
        query = SearchQuery(" | ".join(terms), config=engine.CONFIG, search_type="raw")
        vector = engine._search_vector()
        results = base.annotate(vector=vector).filter(vector=query).annotate(rank=SearchRank(vector, query))
    else:
        stems = [t[:-1] if len(t) > 4 and t.endswith("s") and not t.endswith("ss") else t for t in terms]
        fields = (("published_question", 8), ("published_summary", 3), ("published_body", 1))
        combined = reduce(or_, [Q(**{f"{field}__icontains": s}) for s in stems for field, _ in fields])
        parts = [Case(When(**{f"{field}__icontains": s}, then=Value(w)), default=Value(0)) for s in stems for field, w in fields]
        results = base.filter(combined).annotate(rank=engine._balanced_sum(parts))
    return list(results.order_by("-rank", F("live_revision").desc(nulls_last=True), "published_question")[:limit])


def run_here():
    """Score both methods on the database of DATABASE_URL; print JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_site.settings")
    import django

    django.setup()
    from django.db import connection

    from articles.matching import follow_up_matches
    from articles.models import Article

    ids = dict(Article.objects.public().values_list("pk", "external_id"))
    methods = {
        "baseline": lambda text: [ids[a.pk] for a in issue_time_matching(text, K)],
        "new": lambda text: [ids[a.pk] for a in follow_up_matches(text, limit=K).articles],
    }
    if os.environ.get("RETRIEVAL_NEW_ONLY"):
        methods.pop("baseline")
    result = {"engine": connection.vendor, "articles": len(ids), "sets": {}}
    together = {name: ([], []) for name in methods}  # every question of the sets scored, as one development set
    wanted = os.environ.get("RETRIEVAL_SETS", "")  # e.g. "stories, tuning half" while working on the matcher
    for label, (filename, which) in SETS.items():
        if wanted and label not in wanted.split("|"):
            continue
        items = [json.loads(line) for line in (DATA / filename).open()][which]
        missing = sum(1 for item in items if not set(item["answers"]) & set(ids.values()))
        result["sets"][label] = {"questions": len(items), "unanswerable_here": missing}
        for name, method in methods.items():
            method(items[0]["question"])  # warm caches (connection, dictionary index) before timing
            scores, timings = [], []
            for item in items:
                started = time.perf_counter()
                ranked = method(item["question"])
                timings.append((time.perf_counter() - started) * 1000)
                scores.append(score(ranked, set(item["answers"])))
            result["sets"][label][name] = figures(scores, timings)
            together[name][0].extend(scores)
            together[name][1].extend(timings)
    if len(result["sets"]) > 1:
        count = sum(each["questions"] for each in result["sets"].values())
        missing = sum(each["unanswerable_here"] for each in result["sets"].values())
        result["sets"][f"all of them, {count}"] = {
            "questions": count,
            "unanswerable_here": missing,
            **{name: figures(*both) for name, both in together.items()},
        }
    print(json.dumps(result))


def figures(scores, timings):
    return {
        "MRR@10": round(statistics.mean(s[0] for s in scores), 3),
        "P@1": round(statistics.mean(s[1] for s in scores), 3),
        "recall@10": round(statistics.mean(s[2] for s in scores), 3),
        "p50 ms": round(percentile(timings, 50), 1),
        "p95 ms": round(percentile(timings, 95), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="path of a SQLite database holding the import")
    parser.add_argument("--postgres", help="URL of a PostgreSQL database holding the import")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        return run_here()
    urls = ([f"sqlite:///{Path(args.sqlite).resolve()}"] if args.sqlite else []) + ([args.postgres] if args.postgres else [])
    if not urls:
        parser.error("give --sqlite and/or --postgres")
    print(f"{'engine':<11}{'set':<34}{'method':<10}{'MRR@10':>8}{'P@1':>7}{'R@10':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for url in urls:
        env = dict(os.environ, DATABASE_URL=url)
        output = subprocess.run([sys.executable, __file__, "--here"], env=env, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        for label, figures in result["sets"].items():
            for name in ("baseline", "new"):
                if name not in figures:
                    continue
                f = figures[name]
                print(
                    f"{result['engine']:<11}{label:<34}{name:<10}{f['MRR@10']:>8.3f}{f['P@1']:>7.3f}{f['recall@10']:>7.3f}"
                    f"{f['p50 ms']:>9.1f}{f['p95 ms']:>9.1f}"
                )
        print(f"  ({result['engine']}: {result['articles']} public articles; questions per set and unanswerable here: "
              + ", ".join(f"{k} {v['questions']}/{v['unanswerable_here']}" for k, v in result["sets"].items()) + ")")


if __name__ == "__main__":
    main()
