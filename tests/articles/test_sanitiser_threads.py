"""The sanitiser gives every caller its own text back, however many threads render at once."""

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from articles import pipeline
from tests.rendering import markdown_to_html

pytestmark = pytest.mark.once

THREADS = 8
TEXTS = 200


def distinct_text(n):
    """A text whose every rendering names its own number, with the markup editors use."""
    return (
        f"## Part {n}\n\nParagraph **{n}** cites [source {n}](https://example.org/{n}) and "
        f"<a href=\"https://example.org/raw/{n}\" class=\"status-tag\">raw {n}</a>.\n\n"
        f"- item {n}.1\n- item {n}.2 <script>alert({n})</script>\n\n"
        f"| a{n} | b{n} |\n| --- | --- |\n| {n} | {n * 2} |\n\n> quote {n}\n"
    )


def test_concurrent_renderings_equal_single_threaded_ones():
    """Many threads rendering distinct texts each get exactly the single-threaded output, and no error."""
    texts = [distinct_text(n) for n in range(TEXTS)]
    expected = [markdown_to_html(text) for text in texts]
    assert all(f"Paragraph <strong>{n}</strong>" in html for n, html in enumerate(expected))

    # Switch threads as often as possible, as a busy server would at the worst moment.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(markdown_to_html, texts[n % TEXTS]) for n in range(TEXTS * 3)]
            results = []
            for n, future in enumerate(futures):
                try:
                    results.append((n % TEXTS, future.result()))
                except Exception as error:  # a crash is a failure too, reported with the others
                    results.append((n % TEXTS, f"{type(error).__name__}: {error}"))
    finally:
        sys.setswitchinterval(interval)

    wrong = [(n, html[:120]) for n, html in results if html != expected[n]]
    assert wrong == [], f"{len(wrong)} of {len(results)} renderings differ from the single-threaded ones"


def test_concurrent_sanitising_of_raw_html_is_exact():
    """bleach alone, the part that held shared state: each thread's HTML comes back as its own."""
    texts = [f"<p>text {n} <em>{n}</em> <b onclick=x>{n}</b></p>" * 5 for n in range(TEXTS)]
    expected = [pipeline.sanitize(text) for text in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(lambda n: (n, _safe_sanitize(texts[n])), [n % TEXTS for n in range(TEXTS * 10)]))
    finally:
        sys.setswitchinterval(interval)
    wrong = [n for n, html in results if html != expected[n]]
    assert wrong == [], f"{len(wrong)} of {len(results)} sanitised texts differ"


def _safe_sanitize(text):
    try:
        return pipeline.sanitize(text)
    except Exception as error:  # counted as a wrong output
        return f"{type(error).__name__}: {error}"
