"""The Markdown renderer's worst case on the largest inputs the limits allow (target: under 1 s each).

Usage: .venv/bin/python bench/markdown_worst_case.py  -> a Markdown table on stdout.
Each input is MAX_CHARS long (or as long as the pattern allows) and passes
articles.markdown_limits; the time is the limits check plus the editor's save path
(pipeline.render_section: citations, Markdown, sanitiser), best of 3 runs.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_site.settings")
import django  # noqa: E402

django.setup()

from articles import markdown_limits, pipeline  # noqa: E402

N, D, ROWS = markdown_limits.MAX_CHARS, markdown_limits.MAX_NESTING, markdown_limits.MAX_TABLE_ROWS
M, C = markdown_limits.MAX_MARKUP, markdown_limits.MAX_CITATIONS


def fill(unit, limit=N, pad=" word"):
    """`unit` repeated as often as the limits allow, then prose up to MAX_CHARS."""
    markup = sum(1 for char in unit if char in markdown_limits.MARKUP_CHARACTERS)
    times = limit // len(unit)
    if markup:
        times = min(times, M // markup)
    if "[@" in unit:
        times = min(times, C // unit.count("[@"))
    text = unit * times
    return text + (pad * ((N - len(text)) // len(pad)))


def nested_list(depth):
    return "".join("    " * level + "- item\n" for level in range(depth)) + "\n"


CASES = {
    "unclosed “[” at the limit, per paragraph": fill("[" * D + "\n\n"),
    "unclosed “[a](” at the limit, per paragraph": fill("[a](" * D + "\n\n"),
    "“[” then “]”, 10 deep, one paragraph": fill("[" * D + "x" + "]" * D + " "),
    "links “[a](http://x)”, one paragraph": fill("[a](http://x) "),
    "citations “[@a]”, one paragraph": fill("[@a] "),
    f"table, {ROWS} rows, wide cells": "| a | b |\n|---|---|\n" + ("| " + "x" * (N // ROWS - 12) + " | y |\n") * (ROWS - 2),
    f"“(” {D} open per paragraph": fill("(" * D + "\n\n"),
    "“(a)” prose with parentheses": fill("(a) "),
    f"lists nested {D} deep, repeated": fill(nested_list(D)),
    f"quotes nested {D} deep, repeated": fill(">" * D + " quote\n\n"),
    "“<” only": fill("<"),
    "“<div>” tags": fill("<div>"),
    "emphasis “*a ”": fill("*a "),
    "emphasis “**_a_**”": fill("**_a_** "),
    "backticks": fill("`"),
    "underscores": fill("_"),
    "HTML entities “&amp;”": fill("&amp;"),
    "one line per character": fill("a\n"),
    "autolinks “<http://a>”": fill("<http://a> "),
}


def timed(text):
    """Seconds for the limits check and one save-path render, best of 3."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        problems = markdown_limits.markdown_problems(text)
        if not problems:
            pipeline.render_section(text, pipeline.CitationNumbering(), known_keys={"a"})
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, problems


def main():
    print("| input | characters | seconds | passes the limits |")
    print("| --- | ---: | ---: | --- |")
    worst = 0.0
    for name, text in CASES.items():
        seconds, problems = timed(text)
        worst = max(worst, seconds)
        print(f"| {name} | {len(text):,} | {seconds:.3f} | {'yes' if not problems else 'no: ' + problems[0]} |", flush=True)
    print(f"\nWorst case: {worst:.3f} s (target: under 1 s).")


if __name__ == "__main__":
    main()
