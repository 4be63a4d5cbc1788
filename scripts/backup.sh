#!/usr/bin/env bash
# Back up the site's PostgreSQL database to one file (pg_dump custom format: compressed,
# restorable table by table with pg_restore).
#   DATABASE_URL=postgres://user:pass@host:5432/qa_site scripts/backup.sh [FILE]
# FILE defaults to backups/qa_site-<UTC time>.dump. Prints the file written.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?Set DATABASE_URL to the database to back up (postgres://...).}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh backs up PostgreSQL only (DATABASE_URL is not postgres://...)." >&2; exit 2 ;;
esac
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_DUMP="${PG_BIN:+$PG_BIN/}pg_dump"

file="${1:-backups/qa_site-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
# Write to a temporary name first: a failed dump never looks like a good backup.
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$file.partial" --dbname="$DATABASE_URL"
mv "$file.partial" "$file"
echo "$file"
