"""Limits on editors' Markdown, checked before anything is rendered, so no text can hold a worker.

Python-Markdown is quadratic on some inputs (thousands of unclosed "[" in one paragraph) and
recursive on nesting (a list 300 levels deep raised RecursionError). These limits are far above
what an answer needs (the longest MedQuAD answer is 29,046 characters) and keep the renderer's
worst case under a second (bench/markdown_worst_case.py).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.html import escape

MAX_CHARS = 30_000
# Levels of lists and quotes inside each other, and of brackets/parentheses open at once in a paragraph.
MAX_NESTING = 10
MAX_TABLE_ROWS = 500
# Markup characters cost far more than prose (the densest MedQuAD answer has 242 of them).
MARKUP_CHARACTERS = frozenset("*_[]<>|&`!")
MAX_MARKUP = 3_000
MAX_CITATIONS = 300
TAB_WIDTH = 4  # Python-Markdown nests a list one level per 4 columns

HELP_TEXT = (
    f"Markdown, at most {MAX_CHARS:,} characters, lists and quotes nested at most {MAX_NESTING} levels, "
    f"tables of at most {MAX_TABLE_ROWS} rows, at most {MAX_CITATIONS} citations and {MAX_MARKUP:,} markup "
    "characters (* _ [ ] < > | & ` !)."
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _line_depth(line):
    """Levels of quote ('>') and list indentation (4 columns each) at the start of a line."""
    quotes = columns = 0
    for char in line:
        if char == ">":
            quotes += 1
        elif char == " ":
            columns += 1
        elif char == "\t":
            columns += TAB_WIDTH - columns % TAB_WIDTH
        else:
            break
    return quotes + columns // TAB_WIDTH


def _bracket_depth(paragraph):
    """The most "[" or "(" open at once in a paragraph (unclosed ones count: they are the costly kind)."""
    deepest = square = round_ = 0
    for char in paragraph:
        if char == "[":
            square += 1
        elif char == "]":
            square = max(square - 1, 0)
        elif char == "(":
            round_ += 1
        elif char == ")":
            round_ = max(round_ - 1, 0)
        else:
            continue
        deepest = max(deepest, square, round_)
    return deepest


def markdown_problems(text):
    """What makes this Markdown too costly to render, in the editor's words (empty if it is fine)."""
    text = text or ""
    if len(text) > MAX_CHARS:
        return [f"This text has {len(text):,} characters; the limit is {MAX_CHARS:,}. Please shorten it or split it."]
    problems = []
    lines = text.splitlines()
    if max((_line_depth(line) for line in lines), default=0) > MAX_NESTING:
        problems.append(f"Lists or quotes are nested more than {MAX_NESTING} levels deep (indentation or “>”); please flatten them.")
    if sum(1 for line in lines if "|" in line) > MAX_TABLE_ROWS:
        problems.append(f"Tables may have at most {MAX_TABLE_ROWS} rows; please shorten or split the table.")
    markup = sum(1 for char in text if char in MARKUP_CHARACTERS)
    if markup > MAX_MARKUP:
        problems.append(f"This text has {markup:,} markup characters (* _ [ ] < > | & ` !); the limit is {MAX_MARKUP:,}.")
    if text.count("[@") > MAX_CITATIONS:
        problems.append(f"This text has {text.count('[@'):,} citations; the limit is {MAX_CITATIONS}.")
    if max((_bracket_depth(p) for p in _PARAGRAPH_BREAK.split(text)), default=0) > MAX_NESTING:
        problems.append(
            f"A paragraph has more than {MAX_NESTING} “[” or “(” open at once; please close the brackets you opened."
        )
    return problems


def validate_markdown(text):
    """Form validator: refuses Markdown over the limits, saying which one."""
    problems = markdown_problems(text)
    if problems:
        raise ValidationError(problems, code="markdown_limits")


def refusal_html(text):
    """For the live preview: why this text is not rendered, as HTML (None when it is within the limits)."""
    problems = markdown_problems(text)
    if not problems:
        return None
    return "".join(f'<p class="errornote">Not previewed: {escape(problem)}</p>' for problem in problems)
