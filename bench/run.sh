#!/usr/bin/env bash
# The benchmark, one command:  bash bench/run.sh
# The production-like stack (scripts/stack: PostgreSQL 15, Redis, two gunicorns, Varnish 7, all on
# loopback) on a fresh database with the 16,407 MedQuAD pairs imported (timed) and the demo loaded.
# wrk loads, in turn and at the same concurrency:
#   (a) the seed article through Varnish         (b) the same HTML as a static file through Varnish
#   (c) the seed article from Django alone       (d) the static file from gunicorn/whitenoise
#   (e) search and home, through Varnish and from Django alone; search also with a different query
#       on every request (nothing cached: the search engine's own cost)
#   (f) article_approve -> the approved page served through Varnish (bench/approval_latency.py)
#   (a)/(b) and (c)/(d) again in alternating short windows (the machine's speed drifts)
#   search latency over 200 MedQuAD questions, one at a time, from Django alone (three passes)
#   (g) PostgreSQL restarted during a 30 s load through Varnish (and the same from Django alone)
# Results: bench/results/<UTC time>/ (git-ignored), summary.md to paste into the README.
# Knobs: BENCH_DURATION (20s), BENCH_CONNECTIONS (16), BENCH_PAIR_ROUNDS (5), BENCH_PAIR_SECONDS (4), STACK_* ports (see scripts/stack),
# BENCH_STACK_DIR (/tmp/qa-site-bench-stack).
set -euo pipefail
cd "$(dirname "$0")/.."

export STACK_DIR="${BENCH_STACK_DIR:-/tmp/qa-site-bench-stack}"
DURATION="${BENCH_DURATION:-20s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
SEED=/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/run.log"; }

QA_WITH_BENCH=1 bash scripts/setup.sh
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "Install wrk: apt-get install wrk (as root)" >&2; exit 1; }

# A fresh database every run, so the import is timed from empty.
bash scripts/stack stop >/dev/null
rm -rf "$STACK_DIR/pg"
eval "$(bash scripts/stack env)"
export LOG_LEVEL=ERROR
PURGE_URLS="$CACHE_PURGE_URLS"
export CACHE_PURGE_URLS=""  # nothing to purge until Varnish starts
bash scripts/stack start-services
trap 'bash scripts/stack stop >/dev/null' EXIT
VARNISH="http://127.0.0.1:${STACK_VARNISH_PORT:-6085}"
read -r -a APP_PORTS <<<"${STACK_APP_PORTS:-8091 8092}"
DJANGO="http://127.0.0.1:${APP_PORTS[0]}"

log "migrate"
$PY manage.py migrate --noinput -v0
log "import MedQuAD (16,407 pairs)"
start=$EPOCHREALTIME
$PY manage.py import_medquad fixtures/medquad/medquad.jsonl.gz | tee "$OUT/import.log"
end=$EPOCHREALTIME
$PY -c "print(round($end - $start, 1))" > "$OUT/import_seconds"
log "import took $(cat "$OUT/import_seconds") s"
# Related lists of imported articles are stored by their first view (manage.py store_related would
# do all 16,407 ahead, one similarity search each: minutes, so not in every run).
log "load_demo, collectstatic"
$PY manage.py load_demo | tee -a "$OUT/run.log"
$PY manage.py collectstatic --noinput -v0

# (b), (d): the seed article's HTML as rendered for an anonymous reader, saved under STATIC_ROOT
# before the servers start (whitenoise lists its files at start-up).
STATIC_ROOT="$($PY manage.py shell -v 0 -c 'from django.conf import settings; print(settings.STATIC_ROOT)')"
mkdir -p "$STATIC_ROOT/bench"
$PY manage.py shell -v 0 -c "
from django.test import Client
response = Client(SERVER_NAME='127.0.0.1').get('$SEED')
assert response.status_code == 200, response.status_code
open('$STATIC_ROOT/bench/seed-article.html', 'wb').write(response.content)
"
STATIC=/static/bench/seed-article.html

log "start the stack"
export CACHE_PURGE_URLS="$PURGE_URLS"
STACK_SKIP_SETUP=1 bash scripts/stack start | tee -a "$OUT/run.log"

SEARCH="/search/?q=$($PY -c 'import urllib.parse; print(urllib.parse.quote("neuroendocrine tumors"))')"
# A different query string on every request: neither Varnish nor the page cache can answer it.
cat >"$OUT/search-uncached.lua" <<'EOF'
local queries = {"neuroendocrine tumors", "asthma", "diabetes treatment", "breast cancer", "kidney disease",
  "heart failure", "migraine", "high blood pressure", "leukemia symptoms", "genetic changes"}
local n = 0
request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]:gsub(" ", "+")
  return wrk.format("GET", "/search/?q=" .. q .. "&n=" .. n .. "-" .. math.random(1000000))
end
EOF

run_wrk() {  # name base path [extra wrk arguments]
  local name=$1 base=$2 path=$3
  shift 3
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  if [ "$status" != "200" ]; then
    log "$name: $base$path answers $status; not measured"
    echo "status $status" > "$OUT/wrk-$name.txt"
    return
  fi
  log "wrk $name: $base$path ($CONNECTIONS connections, $DURATION)"
  wrk -t2 -c"$CONNECTIONS" -d5s "$@" "$base$path" >/dev/null  # warm-up
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$base$path" | tee "$OUT/wrk-$name.txt"
}
run_wrk article-varnish "$VARNISH" "$SEED"
run_wrk static-varnish "$VARNISH" "$STATIC"
run_wrk article-django "$DJANGO" "$SEED"
run_wrk static-django "$DJANGO" "$STATIC"
run_wrk search-varnish "$VARNISH" "$SEARCH"
run_wrk search-django "$DJANGO" "$SEARCH"
run_wrk search-uncached "$DJANGO" "/search/?q=asthma" -s "$OUT/search-uncached.lua"
run_wrk home-varnish "$VARNISH" /
run_wrk home-django "$DJANGO" /

# The loads above run one after another, 25 s each, and this machine's speed drifts between them
# (run 20261203T122342Z: (a)/(b) 0.79, though Varnish does the same work for both). So each ratio
# is measured again in PAIR_ROUNDS rounds of alternating PAIR_SECONDS windows, and
# bench/report.py gives the median of the rounds' ratios beside the sequential one. The order
# alternates too (A then B, then B then A), so whatever favours the first or the second window
# of a round favours each side equally.
PAIR_ROUNDS="${BENCH_PAIR_ROUNDS:-6}"
PAIR_SECONDS="${BENCH_PAIR_SECONDS:-4}s"
paired() {  # name base path name base path
  log "paired windows: $1 / $4 ($PAIR_ROUNDS rounds of $PAIR_SECONDS each, order alternating)"
  for round in $(seq "$PAIR_ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
      window "$1" "$2$3" "$round"; window "$4" "$5$6" "$round"
    else
      window "$4" "$5$6" "$round"; window "$1" "$2$3" "$round"
    fi
  done
}
window() {  # name url round
  wrk -t2 -c"$CONNECTIONS" -d"$PAIR_SECONDS" --latency "$2" >"$OUT/pair-$1-$3.txt"
}
paired article-varnish "$VARNISH" "$SEED" static-varnish "$VARNISH" "$STATIC"
paired article-django "$DJANGO" "$SEED" static-django "$DJANGO" "$STATIC"

log "(f) approval -> served through Varnish"
$PY bench/approval_latency.py "$VARNISH" | tee "$OUT/approval-latency.json"

# Before (g): a PostgreSQL that has just restarted starts with empty shared buffers, which is
# not the steady state this latency target is about.
log "search latency: 200 MedQuAD questions, Django alone"
$PY bench/search_latency.py "$DJANGO" | tee "$OUT/search-latency.json"

restart_during_load() {  # name base: 30 s of load over the article, home and a topic; PostgreSQL restarts at 10 s
  local name=$1 base=$2
  cat >"$OUT/restart.lua" <<EOF
local paths = {"$SEED", "/", "/medical-advisory-board/", "$SEARCH"}
local n = 0
request = function() n = n + 1; return wrk.format("GET", paths[(n % #paths) + 1]) end
EOF
  for path in "$SEED" / /medical-advisory-board/ "$SEARCH"; do curl -s -o /dev/null "$base$path"; done
  log "(g) $name: PostgreSQL restart during a 30 s load"
  wrk -t2 -c"$CONNECTIONS" -d30s --latency -s "$OUT/restart.lua" "$base/" >"$OUT/wrk-$name.txt" &
  local wrk_pid=$!
  sleep 10
  bash scripts/postgres.sh stop
  sleep 5
  bash scripts/postgres.sh start >/dev/null
  wait "$wrk_pid"
  cat "$OUT/wrk-$name.txt"
}
restart_during_load restart-varnish "$VARNISH"
restart_during_load restart-django "$DJANGO"

$PY bench/report.py "$OUT" | tee "$OUT/summary.md"
ln -sfn "$(basename "$OUT")" bench/results/latest
