"""Build bench/data/followup-dev.jsonl and followup-generated.jsonl from the MedQuAD file.

followup-dev.jsonl: the hand-written questions of followup-dev-questions.txt, each with the MedQuAD
pairs (external ids and document ids) that answer it: every pair with that focus and question type.
followup-dev-stories.jsonl: the same for followup-dev-stories.txt, story-style messages written without
looking at the matcher, in the style of messages sent to a national medical library.
followup-dev-messages.jsonl: the same for followup-dev-messages.txt, messages as a library's web form sends
them, on 120 foci drawn at random from those the other sets do not use, written by helpers who never saw
the matcher, its code or its results (scored once whole, then split into a tuning and a held-out half).
followup-generated.jsonl: a MedQuAD synonym of a focus asked in a fixed template per question type.

Usage: python bench/build_dev_set.py  (refuses a focus or type the data does not have)
"""

import gzip
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDQUAD = ROOT / "fixtures" / "medquad" / "medquad.jsonl.gz"
DATA = Path(__file__).resolve().parent / "data"
TEMPLATES = {
    "information": "what is {x}?",
    "causes": "what causes {x}",
    "symptoms": "what are the signs of {x}",
    "treatment": "how do you treat {x}",
    "prevention": "how can I prevent {x}",
    "exams and tests": "how do they test for {x}",
    "outlook": "what is the outlook for someone with {x}",
    "susceptibility": "who is at risk of {x}",
    "frequency": "how many people get {x}",
    "inheritance": "is {x} passed down in families?",
    "genetic changes": "which gene mutation is behind {x}",
    "research": "what research is being done on {x}",
}


def key(text):
    return " ".join(re.findall(r"[^\W_]+", text.lower().replace("'", "")))


def external_ids(rows):
    """Each row's external id as the import gives it (a reused qid for a new question gets a suffix)."""
    import hashlib

    seen, ids = {}, []
    for row in rows:
        eid = f"medquad:{row['source']}:{row['qid']}"
        question = row["question"]
        if seen.setdefault(eid, question) != question:
            eid = f"{eid}#{hashlib.sha1(clean_question(question).encode()).hexdigest()[:8]}"
        ids.append(eid)
    return ids


def clean_question(question):
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_site.settings")
    import django

    django.setup()
    from articles.medquad import clean_question as clean

    return clean(question)


def hand_written(path, by_focus_type, problems):
    """The questions of one hand-written file, each with every MedQuAD pair of its focus and type."""
    items = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        foci, qtype, question = (part.strip() for part in line.split("|", 2))
        answers = [pair for focus in foci.split(";") for pair in by_focus_type.get((key(focus), qtype), [])]
        if not answers:
            problems.append(f"{path.name} line {n}: no MedQuAD pair for {foci!r} / {qtype!r}")
            continue
        items.append(
            {
                "question": question,
                "focus": foci,
                "qtype": qtype,
                "answers": sorted({a for a, _ in answers}),
                "document_ids": sorted({d for _, d in answers}),
            }
        )
    return items


def main():
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    ids = external_ids(rows)
    by_focus_type = defaultdict(list)
    for row, eid in zip(rows, ids):
        by_focus_type[(key(row["focus"]), row["qtype"])].append((eid, row["document_id"]))
    problems, counts = [], []
    for source, output in (
        ("followup-dev-questions.txt", "followup-dev.jsonl"),
        ("followup-dev-stories.txt", "followup-dev-stories.jsonl"),
        ("followup-dev-messages.txt", "followup-dev-messages.jsonl"),
    ):
        items = hand_written(DATA / source, by_focus_type, problems)
        with (DATA / output).open("w") as out:
            out.writelines(json.dumps(item) + "\n" for item in items)
        counts.append(len(items))
    if problems:
        sys.exit("\n".join(problems))

    generated, rng = [], random.Random(20191)
    pairs = [(row, eid) for row, eid in zip(rows, ids) if row["synonyms"] and row["qtype"] in TEMPLATES]
    for row, _ in rng.sample(pairs, 400):
        synonym = rng.choice(row["synonyms"])
        answers = by_focus_type[(key(row["focus"]), row["qtype"])]
        generated.append(
            {
                "question": TEMPLATES[row["qtype"]].format(x=synonym),
                "focus": row["focus"],
                "qtype": row["qtype"],
                "answers": sorted({a for a, _ in answers}),
                "document_ids": sorted({d for _, d in answers}),
            }
        )
    with (DATA / "followup-generated.jsonl").open("w") as out:
        out.writelines(json.dumps(item) + "\n" for item in generated)
    print(
        f"{counts[0]} hand-written questions, {counts[1]} hand-written story-style messages, "
        f"{counts[2]} web-form messages written blind, {len(generated)} generated"
    )


if __name__ == "__main__":
    main()
