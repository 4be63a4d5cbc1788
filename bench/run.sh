#!/usr/bin/env bash
# The benchmark, one command:  bash bench/run.sh
# Production settings on a fresh PostgreSQL 15 (scripts/postgres.sh, port 54334), the 16,407
# MedQuAD pairs imported (timed), the demo loaded, gunicorn on 127.0.0.1, then wrk loads in turn
# (a) the seed article, (b) a search, (c) the home page, (d) the seed article saved as a static
# file served by whitenoise; then search latency over 200 MedQuAD questions.
# Results: bench/results/<UTC time>/ (git-ignored), summary.md to paste into the README.
# Knobs: BENCH_PORT (8033), PG_PORT (54334), BENCH_DURATION (20s), BENCH_CONNECTIONS (16).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-8033}"
export PG_PORT="${PG_PORT:-54334}"
export PG_DIR="${BENCH_PG_DIR:-/tmp/qa-site-bench-pg-$PG_PORT}"
DURATION="${BENCH_DURATION:-20s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
SEED=/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/run.log"; }

[ -x .venv/bin/python ] || bash scripts/setup.sh
PY=.venv/bin/python
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = "0" ]; then apt-get install -y -qq wrk >/dev/null; else echo "Install wrk: apt-get install wrk (as root)" >&2; exit 1; fi
fi

# A fresh database every run, so the import is timed from empty.
bash scripts/postgres.sh stop
rm -rf "$PG_DIR"
DATABASE_URL="$(bash scripts/postgres.sh start)"
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
  bash scripts/postgres.sh stop
}
trap cleanup EXIT

export DJANGO_ENV=production DATABASE_URL ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 LOG_LEVEL=ERROR
SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY

log "migrate"
$PY manage.py migrate --noinput -v0
log "import MedQuAD (16,407 pairs)"
start=$EPOCHREALTIME
$PY manage.py import_medquad fixtures/medquad/medquad.jsonl.gz | tee "$OUT/import.log"
end=$EPOCHREALTIME
$PY -c "print(round($end - $start, 1))" > "$OUT/import_seconds"
log "import took $(cat "$OUT/import_seconds") s"
log "load_demo, collectstatic"
$PY manage.py load_demo | tee -a "$OUT/run.log"
$PY manage.py collectstatic --noinput -v0

# (d): the seed article's HTML as rendered for an anonymous reader, saved under STATIC_ROOT.
STATIC_ROOT="$($PY manage.py shell -v 0 -c 'from django.conf import settings; print(settings.STATIC_ROOT)')"
mkdir -p "$STATIC_ROOT/bench"
$PY manage.py shell -v 0 -c "
from django.test import Client
response = Client(SERVER_NAME='127.0.0.1').get('$SEED')
assert response.status_code == 200, response.status_code
open('$STATIC_ROOT/bench/seed-article.html', 'wb').write(response.content)
"

log "gunicorn on 127.0.0.1:$PORT"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_ACCESS_LOG=/dev/null .venv/bin/gunicorn -c gunicorn.conf.py qa_site.wsgi \
  >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done

SEARCH="/search/?q=$($PY -c 'import urllib.parse; print(urllib.parse.quote("neuroendocrine tumors"))')"
search_status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$SEARCH")
echo "$search_status" > "$OUT/search_status"

run_wrk() {  # name path
  local name=$1 path=$2
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  if [ "$status" != "200" ]; then
    log "$name: $path answers $status; not measured"
    echo "status $status" > "$OUT/wrk-$name.txt"
    return
  fi
  log "wrk $name: $path ($CONNECTIONS connections, $DURATION)"
  wrk -t2 -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT$path" >/dev/null  # warm-up
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path" | tee "$OUT/wrk-$name.txt"
}
run_wrk article "$SEED"
run_wrk search "$SEARCH"
run_wrk home /
run_wrk static /static/bench/seed-article.html

log "search latency: 200 MedQuAD questions"
$PY bench/search_latency.py "http://127.0.0.1:$PORT" | tee "$OUT/search-latency.json"

$PY bench/report.py "$OUT" | tee "$OUT/summary.md"
ln -sfn "$(basename "$OUT")" bench/results/latest
