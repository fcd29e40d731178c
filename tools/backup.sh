#!/usr/bin/env bash
# Dump Moisinno's PostgreSQL database into a directory (docs/deploy.md, « Backup and restore »):
#
#   DATABASE_URL=postgres://user:password@host:5432/moisinno tools/backup.sh /srv/backups
#
# Writes <database>-<UTC time>.dump (pg_dump's custom format, compressed) and its .sha256, both
# readable by their owner only (personal data: accounts, contacts, e-mail addresses). The dump
# is written under a temporary name, read back with pg_restore --list, then renamed: a dump
# bearing its final name is complete. Then deletes this database's dumps older than
# BACKUP_KEEP_DAYS (default 30; 0 keeps them all), only once the new one is written.
#
# Needs pg_dump, pg_restore and psql of the server's major version or newer (postgresql-client,
# or the postgres image of that version). Prints the new dump's path on its last line.
set -euo pipefail

fail() {
  echo "backup: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || fail "usage: DATABASE_URL=postgres://… $0 DIRECTORY"
directory=$1
[[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set (the application's own, postgres://…)"
[[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]] \
  || fail "DATABASE_URL must be a postgres:// URL"
keep_days=${BACKUP_KEEP_DAYS:-30}
[[ $keep_days =~ ^[0-9]+$ ]] || fail "BACKUP_KEEP_DAYS must be a number of days, not « $keep_days »"
[[ -d $directory && -w $directory ]] || fail "$directory is not a writable directory"
for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install postgresql-client)"
done

umask 077
database=$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align \
  --command="SELECT current_database()") || fail "cannot connect to the database of DATABASE_URL"
name="$database-$(date -u +%Y%m%dT%H%M%SZ).dump"
dump="$directory/$name"
partial="$dump.partial"
[[ ! -e $dump ]] || fail "$dump already exists"
trap 'rm -f "$partial"' EXIT

# django_session is left out (its table is kept, empty): a restore must not bring back a
# session that was closed or revoked after the dump. Everyone signs in again after a restore.
pg_dump --dbname="$DATABASE_URL" --format=custom --exclude-table-data=django_session \
  --file="$partial" || fail "pg_dump failed: no dump written"
pg_restore --list "$partial" >/dev/null || fail "the dump cannot be read back: no dump written"
mv "$partial" "$dump"
(cd "$directory" && sha256sum "$name" >"$name.sha256")

if ((keep_days > 0)); then
  find "$directory" -maxdepth 1 -type f -mtime +"$keep_days" \
    \( -name "$database-*.dump" -o -name "$database-*.dump.sha256" \) -print -delete \
    | sed 's/^/backup: deleted the expired /' >&2
fi
echo "$dump"
