"""Summarise one benchmark run: python bench/report.py bench/results/<run>  -> Markdown on stdout."""

import json
import os
import platform
import re
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

LOADS = [
    ("article-varnish", "(a) seed article through Varnish"),
    ("static-varnish", "(b) the same HTML as a static file through Varnish"),
    ("article-django", "(c) seed article from Django alone (gunicorn, page cache in Redis)"),
    ("static-django", "(d) the static file from gunicorn/whitenoise"),
    ("search-varnish", "(e) search `neuroendocrine tumors` through Varnish"),
    ("search-django", "(e) search `neuroendocrine tumors` from Django alone"),
    ("search-uncached", "(e) search, a different query string every request (nothing cached), Django"),
    ("home-varnish", "(e) home through Varnish"),
    ("home-django", "(e) home from Django alone"),
    ("restart-varnish", "(g) PostgreSQL restart during 30 s, article/home/board/search through Varnish"),
    ("restart-django", "(g) PostgreSQL restart during 30 s, the same from Django alone"),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
TARGETS = {
    "varnish_ratio": 0.9, "django_ratio": 0.8, "search_ratio": 0.2, "search_p95_ms": 20.0, "import_s": 120.0,
    "approval_ms": 1000.0,
}  # fmt: skip


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(path):
    """Requests/s, p50, p99 and errors from wrk --latency output; None when the load did not run."""
    text = path.read_text() if path.exists() else ""
    if "Requests/sec" not in text:
        return {"skipped": text.strip() or "not run"}
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        # Anchored: "75.99%" in the thread statistics must not pass for the 99th percentile.
        "p50_ms": milliseconds(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)),
        "p99_ms": milliseconds(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "errors": (sum(int(n) for n in socket.groups()) if socket else 0) + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def machine():
    cores = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return f"{platform.machine()}, {cores} cores{memory}, Python {platform.python_version()}, load average at the end {load:.1f}"


def ratio(loads, top, bottom):
    if "requests_per_s" in loads[top] and "requests_per_s" in loads[bottom]:
        return loads[top]["requests_per_s"] / loads[bottom]["requests_per_s"]
    return None


PAIRS = [("varnish (a)/(b)", "article-varnish", "static-varnish"), ("django (c)/(d)", "article-django", "static-django")]


def paired_ratios(run, top, bottom):
    """The ratio in each round of alternating windows (bench/run.sh `paired`), in round order."""
    ratios, round_number = [], 1
    while (run / f"pair-{top}-{round_number}.txt").exists():
        a, b = (parse_wrk(run / f"pair-{name}-{round_number}.txt") for name in (top, bottom))
        if "requests_per_s" in a and "requests_per_s" in b:
            ratios.append(a["requests_per_s"] / b["requests_per_s"])
        round_number += 1
    return ratios


def read_json(path):
    return json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}


def main(run):
    run = Path(run)
    loads = {name: parse_wrk(run / f"wrk-{name}.txt") for name, _ in LOADS}
    import_s = float((run / "import_seconds").read_text()) if (run / "import_seconds").exists() else None
    related_s = float((run / "related_seconds").read_text()) if (run / "related_seconds").exists() else None
    search = read_json(run / "search-latency.json")
    approval = read_json(run / "approval-latency.json")
    ratios = {
        "varnish (a)/(b)": ratio(loads, "article-varnish", "static-varnish"),
        "django (c)/(d)": ratio(loads, "article-django", "static-django"),
        "uncached search / static (d)": ratio(loads, "search-uncached", "static-django"),
        "cached search from Django / static (d)": ratio(loads, "search-django", "static-django"),
    }
    paired = {label: paired_ratios(run, top, bottom) for label, top, bottom in PAIRS}
    results = {
        "loads": loads, "paired_ratios": paired, "import_seconds": import_s, "related_seconds": related_s, "ratios": ratios,
        "search_latency": search, "approval_latency": approval,
    }  # fmt: skip
    (run / "results.json").write_text(json.dumps(results, indent=2))

    date = datetime.fromtimestamp((run / "run.log").stat().st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {run.name}, {date}; {machine()}.", "", "| load | requests/s | p50 | p99 | errors |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, label in LOADS:
        result = loads[name]
        if "skipped" in result:
            lines.append(f"| {label} | not measured ({result['skipped']}) | | | |")
        else:
            # wrk reports 0 latency when every request timed out.
            p50, p99 = (f"{result[k]:.1f} ms" if result[k] else "n/a" for k in ("p50_ms", "p99_ms"))
            lines.append(f"| {label} | {result['requests_per_s']:,.0f} | {p50} | {p99} | {result['errors']} |")
    lines.append("")
    verdict = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    for label, key, target in (
        ("varnish (a)/(b)", "varnish (a)/(b)", TARGETS["varnish_ratio"]),
        ("django (c)/(d)", "django (c)/(d)", TARGETS["django_ratio"]),
        # The search measure: one query repeated, which search pages may be cached briefly for.
        ("search from Django / static (d), the same query repeated", "cached search from Django / static (d)", TARGETS["search_ratio"]),
    ):
        value = ratios[key]
        if value is not None:
            lines.append(f"- Ratio {label}: **{value:.2f}** (target ≥ {target}: {verdict(value >= target)}).")
    for (label, _, _), target in zip(PAIRS, (TARGETS["varnish_ratio"], TARGETS["django_ratio"])):
        values = paired[label]
        if values:
            median = statistics.median(values)
            lines.append(
                f"- Ratio {label} in {len(values)} rounds of alternating windows: median **{median:.2f}** "
                f"(rounds {', '.join(f'{v:.2f}' for v in values)}; target ≥ {target}: {verdict(median >= target)})."
            )
    if ratios["uncached search / static (d)"] is not None:
        lines.append(
            f"- Ratio search from Django / static (d), a different query every request (nothing cached: "
            f"the search engine's own cost): {ratios['uncached search / static (d)']:.2f}."
        )
    if approval.get("approvals"):
        worst = approval["max_ms"]
        ok = worst is not None and worst < TARGETS["approval_ms"] and not approval["never_visible_within_30_s"]
        lines.append(
            f"- (f) approval to page through Varnish, {approval['approvals']} approvals: median {approval['median_ms']} ms, "
            f"max **{worst} ms** (target < {TARGETS['approval_ms']:.0f} ms: {verdict(ok)})."
        )
    for name in ("restart-varnish", "restart-django"):
        result = loads[name]
        if "errors" in result:
            lines.append(f"- (g) {name}: **{result['errors']} errors** in {result['requests']:,} requests (target 0: {verdict(result['errors'] == 0)}).")
    if import_s is not None:
        lines.append(
            f"- Import of 16,407 MedQuAD pairs into PostgreSQL: **{import_s:.0f} s** "
            f"(target < {TARGETS['import_s']:.0f} s: {verdict(import_s < TARGETS['import_s'])})."
        )
    if search.get("present"):
        lines.append(
            f"- Search from Django, {search['queries']} MedQuAD questions one at a time: p50 **{search['p50_ms']} ms**, "
            f"p95 **{search['p95_ms']} ms** (target p95 < {TARGETS['search_p95_ms']:.0f} ms: "
            f"{verdict(search['p95_ms'] < TARGETS['search_p95_ms'])}), {search['errors']} errors."
        )
        if len(search.get("passes", [])) > 1:
            lines.append(
                "- The same searches, each pass at its own address (never cached): p95 per pass "
                + ", ".join(f"{p['p95_ms']} ms" for p in search["passes"])
                + f"; median **{search['median_pass_p95_ms']} ms**."
            )
    errors = sum(result.get("errors", 0) for name, result in loads.items() if not name.startswith("restart"))
    lines.append(f"- Errors under the other loads: {errors} (target 0: {verdict(errors == 0)}).")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
