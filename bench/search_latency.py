"""Search latency over HTTP: 200 varied queries taken from MedQuAD questions, one at a time.

Usage: python bench/search_latency.py http://127.0.0.1:8033  -> JSON on stdout.
"""

import gzip
import json
import random
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

MEDQUAD = Path(__file__).resolve().parent.parent / "fixtures" / "medquad" / "medquad.jsonl.gz"
QUESTION_WORDS = re.compile(r"^(what|how|who|is|are|do|does|can|where|when|which)\b.*?\b(is|are|of|for|to|with|by)\b\s*", re.I)


def queries(count=200, seed=20191):
    """A fixed, varied sample: half the focus (a disease name), half the question's own words."""
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    sample = random.Random(seed).sample(rows, count)
    result = []
    for n, row in enumerate(sample):
        if n % 2 == 0:
            text = row["focus"]
        else:
            text = QUESTION_WORDS.sub("", row["question"].replace("(are)", "")).strip(" ?") or row["question"]
        result.append(re.sub(r"\s+", " ", text)[:100])
    return result


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(base):
    probe = f"{base}/search/?q=asthma"
    try:
        urllib.request.urlopen(probe, timeout=10).read()
    except urllib.error.HTTPError as error:
        print(json.dumps({"present": False, "status": error.code}))
        return
    timings, errors, empty = [], 0, 0
    for text in queries():
        started = time.perf_counter()
        try:
            body = urllib.request.urlopen(f"{base}/search/?q={urllib.parse.quote(text)}", timeout=30).read()
        except urllib.error.HTTPError:
            errors += 1
            continue
        timings.append((time.perf_counter() - started) * 1000)
        empty += b"No results" in body or b"no results" in body
    print(
        json.dumps(
            {
                "present": True,
                "queries": len(timings) + errors,
                "errors": errors,
                "pages_saying_no_results": empty,
                "p50_ms": round(percentile(timings, 50), 1),
                "p95_ms": round(percentile(timings, 95), 1),
                "max_ms": round(max(timings), 1),
                "examples": queries()[:6],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
