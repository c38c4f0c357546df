#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster: initdb in a temporary directory, a
# free port on 127.0.0.1, the cluster removed afterwards however the command ends.
# Exports to the command:
#   KAL_TEST_PG_URL    postgresql://kal@127.0.0.1:PORT/postgres  (superuser, trust auth)
#   KAL_TEST_PG_STOP   a shell command that stops the server (for the outage test)
#   KAL_TEST_PG_START  a shell command that starts it again on the same port
set -euo pipefail

pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "with-postgres: PostgreSQL 15 is not installed (deploy/install-deps.sh test)" >&2; exit 1; }

dir=$(mktemp -d /tmp/kal-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# A UTF-8 locale, as a production cluster for Swedish text has: LOWER() then folds Å, Ä and Ö.
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U kal -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
start_cmd="${as_pg[*]} $pgbin/pg_ctl -D $dir/data -l $dir/log -w -o '$opts' start"
stop_cmd="${as_pg[*]} $pgbin/pg_ctl -D $dir/data -m fast -w stop"
eval "$start_cmd" >/dev/null

export KAL_TEST_PG_URL="postgresql://kal@127.0.0.1:$port/postgres"
export KAL_TEST_PG_STOP="$stop_cmd >/dev/null"
export KAL_TEST_PG_START="$start_cmd >/dev/null"
echo "with-postgres: PostgreSQL 15 on 127.0.0.1:$port (data in $dir, removed afterwards)"
set +e
"$@"
status=$?
set -e
exit $status
