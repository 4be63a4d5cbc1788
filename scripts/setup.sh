#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine: Python packages in .venv,
# and (as root, only if missing) Chromium for browser tests, PostgreSQL 15, Varnish 7 and Redis.
# Sourced by scripts/serve and scripts/test; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_debs=()
if [ "${QA_SKIP_DEBS:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need_debs+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_debs+=(postgresql-15)
  command -v pg_config >/dev/null 2>&1 || need_debs+=(libpq-dev)
  fc-list 2>/dev/null | grep -qi dejavu || need_debs+=(fonts-dejavu-core)
  # The Nu Html Checker (vnu-jar, from npm) runs on Java 17; npm installs it.
  command -v java >/dev/null 2>&1 || need_debs+=(openjdk-17-jre-headless)
  command -v npm >/dev/null 2>&1 || need_debs+=(npm)
  # The production-like stack (scripts/stack) and the test through a real Varnish.
  [ -x /usr/sbin/varnishd ] || command -v varnishd >/dev/null 2>&1 || need_debs+=(varnish)
  command -v redis-server >/dev/null 2>&1 || need_debs+=(redis-server)
  if [ "${QA_WITH_BENCH:-}" = "1" ]; then command -v wrk >/dev/null 2>&1 || need_debs+=(wrk); fi
fi
if [ ${#need_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages: ${need_debs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_debs[@]}" >/dev/null
  else
    echo "Please install these Debian packages first: ${need_debs[*]}" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-stamp
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt 2> >(grep -v "^WARNING: Location" >&2)
  echo "$want" > "$stamp"
fi

# The Nu Html Checker for tests/test_standards.py: a project-local, git-ignored npm install.
# --ignore-scripts: its post-install step would try to fetch a Java of its own; Debian's is used.
VNU_VERSION=26.9.27
if command -v npm >/dev/null 2>&1 && [ ! -f ".tools/vnu-$VNU_VERSION/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  mkdir -p ".tools/vnu-$VNU_VERSION"
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix ".tools/vnu-$VNU_VERSION" "vnu-jar@$VNU_VERSION" >/dev/null 2>&1 \
    || echo "Could not install vnu-jar from npm: the HTML validity test will be skipped." >&2
fi
