"""Summarise one benchmark run: python bench/report.py bench/results/<run>  -> Markdown on stdout."""

import json
import os
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

LOADS = [
    ("article", "(a) seed article, Django + PostgreSQL + page cache"),
    ("search", "(b) search `/search/?q=neuroendocrine tumors`"),
    ("home", "(c) home page"),
    ("static", "(d) seed article as a static file (whitenoise)"),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
TARGETS = {"ratio": 0.5, "search_p95_ms": 50.0, "import_s": 120.0}


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


def main(run):
    run = Path(run)
    loads = {name: parse_wrk(run / f"wrk-{name}.txt") for name, _ in LOADS}
    import_s = float((run / "import_seconds").read_text()) if (run / "import_seconds").exists() else None
    search = json.loads((run / "search-latency.json").read_text()) if (run / "search-latency.json").exists() else {}
    ratio = None
    if "requests_per_s" in loads["article"] and "requests_per_s" in loads["static"]:
        ratio = loads["article"]["requests_per_s"] / loads["static"]["requests_per_s"]
    results = {"loads": loads, "import_seconds": import_s, "ratio_article_to_static": ratio, "search_latency": search}
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
    if ratio is not None:
        lines.append(f"- Ratio (a)/(d): **{ratio:.2f}** (target ≥ {TARGETS['ratio']}: {verdict(ratio >= TARGETS['ratio'])}).")
    if import_s is not None:
        lines.append(
            f"- Import of 16,407 MedQuAD pairs into PostgreSQL: **{import_s:.0f} s** "
            f"(target < {TARGETS['import_s']:.0f} s: {verdict(import_s < TARGETS['import_s'])})."
        )
    if search.get("present"):
        lines.append(
            f"- Search over HTTP, {search['queries']} MedQuAD questions one at a time: p50 **{search['p50_ms']} ms**, "
            f"p95 **{search['p95_ms']} ms** (target p95 < {TARGETS['search_p95_ms']:.0f} ms: "
            f"{verdict(search['p95_ms'] < TARGETS['search_p95_ms'])}), {search['errors']} errors."
        )
    else:
        lines.append("- Search: **not present in this build** (`/search/` answered 404), so (b) and search latency were not measured.")
    errors = sum(result.get("errors", 0) for result in loads.values())
    lines.append(f"- Errors under load: {errors} (target 0: {verdict(errors == 0)}).")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
