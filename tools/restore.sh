#!/usr/bin/env bash
# Restore a dump of tools/backup.sh into a new database (docs/deploy.md, « Backup and restore »):
#
#   DATABASE_URL=postgres://user:password@host:5432/moisinno \
#     tools/restore.sh /srv/backups/moisinno-20261207T023000Z.dump moisinno_restored
#
# DATABASE_URL names the server and the role to connect as (its database is only used to create
# the new one). The target database must not exist, or exist and be empty (one an administrator
# created for a role without CREATEDB); a database holding anything is never touched. The
# restore runs in one transaction (pg_restore --single-transaction --exit-on-error): it loads
# everything or nothing, and a database this script created is dropped again on failure.
# Objects belong to the connecting role (--no-owner, --no-acl). Then ANALYZE, so that the
# first queries have the planner's statistics.
#
# Needs pg_restore and psql of the dump's pg_dump version or newer.
set -euo pipefail

fail() {
  echo "restore: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || fail "usage: DATABASE_URL=postgres://… $0 DUMP TARGET_DATABASE"
dump=$1
target=$2
[[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set (postgres://… of the server to restore to)"
[[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]] \
  || fail "DATABASE_URL must be a postgres:// URL"
[[ $target =~ ^[a-z_][a-z0-9_]{0,62}$ ]] \
  || fail "« $target » is not a database name of lower-case letters, digits and _ (63 at most)"
for tool in pg_restore psql; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install postgresql-client)"
done
[[ -f $dump && -r $dump ]] || fail "$dump is not a readable file"
if [[ -f $dump.sha256 ]]; then
  (cd "$(dirname "$dump")" && sha256sum --check --status "$(basename "$dump").sha256") \
    || fail "$dump does not match its checksum ($dump.sha256): damaged or incomplete copy"
fi
pg_restore --list "$dump" >/dev/null 2>&1 || fail "$dump is not a dump of pg_dump --format=custom"

# The target's URL: DATABASE_URL with its database name replaced (its parameters kept).
without_query=${DATABASE_URL%%\?*}
query=${DATABASE_URL:${#without_query}}
[[ ${without_query#*://} == */* ]] || fail "DATABASE_URL names no database (postgres://host/name)"
target_url="${without_query%/*}/$target$query"

sql() {
  psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 "$@"
}
exists=$(sql --dbname="$DATABASE_URL" --command="SELECT 1 FROM pg_database WHERE datname = '$target'") \
  || fail "cannot connect to the server of DATABASE_URL"
created=""
if [[ -n $exists ]]; then
  objects=$(sql --dbname="$target_url" --command="SELECT count(*) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'") \
    || fail "cannot connect to the existing database $target"
  ((objects == 0)) || fail "the database $target exists and is not empty: choose a new name"
else
  # template0: a database without any local addition to template1, as pg_restore expects.
  sql --dbname="$DATABASE_URL" --command="CREATE DATABASE $target TEMPLATE template0" \
    || fail "cannot create the database $target (does the role have CREATEDB?)"
  created=$target
fi

drop_if_created() {
  if [[ -n $created ]]; then
    sql --dbname="$DATABASE_URL" --command="DROP DATABASE IF EXISTS $created WITH (FORCE)" || true
    echo "restore: the database $created was dropped again" >&2
  fi
}
trap drop_if_created EXIT

pg_restore --dbname="$target_url" --no-owner --no-acl --single-transaction --exit-on-error \
  "$dump" || fail "pg_restore failed: nothing was restored"
# The restored tables only (a role that is not a superuser may not analyze the catalogs).
tables=$(sql --dbname="$target_url" --command="SELECT string_agg(format('%I.%I', schemaname,
  tablename), ', ') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[[ -z $tables ]] || sql --dbname="$target_url" --command="ANALYZE $tables" || fail "ANALYZE failed"

trap - EXIT
echo "restore: $dump restored into the database $target"
