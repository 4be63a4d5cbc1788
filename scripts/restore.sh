#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY PostgreSQL database.
#   DATABASE_URL=postgres://user:pass@host:5432/qa_site_restored scripts/restore.sh FILE
# Refuses a database that already holds the site's tables (restore into a fresh one, check it,
# then point the site at it). Runs in one transaction: all or nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

file="${1:?usage: scripts/restore.sh BACKUP_FILE}"
: "${DATABASE_URL:?Set DATABASE_URL to the empty database to restore into (postgres://...).}"
[ -s "$file" ] || { echo "No backup at $file." >&2; exit 2; }
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PSQL="${PG_BIN:+$PG_BIN/}psql"
PG_RESTORE="${PG_BIN:+$PG_BIN/}pg_restore"

tables=$("$PSQL" "$DATABASE_URL" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database already has $tables tables: restore into a new, empty database." >&2
  exit 3
fi
"$PG_RESTORE" --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$file"
echo "Restored $file"
