#!/usr/bin/env bash
# Sign-ups per second: POST /api/v1/meetings/{id}/rsvps over HTTP with wrk against kalendarium on
# PostgreSQL, beside pgbench running the multi-statement transaction the service ran before it
# called kal_sign_up (bench/rsvp_signup.sql: the meeting's row lock, the repeat and quota checks,
# the waitlist count, the capacity check, the insert and the read-back, each a round trip under
# the lock) at the same concurrency, in the same run, on the same cluster. Two meetings of
# each kind: one with seats for everyone (every sign-up confirmed) and one with 50 seats (almost
# every sign-up waitlisted). Appends the results, with machine and date, to docs/benchmarks.md.
# Runs inside tests/with-postgres.sh (KAL_TEST_PG_URL); bench/run.sh calls it after the others.
# Usage: bench/rsvps.sh BUILD_DIR    (BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS as run.sh;
# BENCH_POOL_SIZE: the service's database.pool_size, 4 unless set)
set -euo pipefail
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/bin/kalendarium"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
pgbin=/usr/lib/postgresql/15/bin
pgbench=$pgbin/pgbench
[ -x "$pgbench" ] || pgbench=$(command -v pgbench)
: "${KAL_TEST_PG_URL:?run inside tests/with-postgres.sh}"

# pgbench -T takes whole seconds; wrk takes 10s, 1m, ...
case "$duration" in
  *ms) echo "rsvps: BENCH_DURATION must be whole seconds or minutes" >&2; exit 2 ;;
  *s) seconds=${duration%s} ;;
  *m) seconds=$((${duration%m} * 60)) ;;
  *h) seconds=$((${duration%h} * 3600)) ;;
  *) seconds=$duration ;;
esac

work=$(mktemp -d /tmp/kal-bench-rsvps.XXXXXX)
pgdb="kal_bench_rsvps_$$"
db_url="${KAL_TEST_PG_URL%/*}/$pgdb"
service_pid=""
cleanup() {
  if [ -n "$service_pid" ]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  psql "$KAL_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
sql() { psql "$db_url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

psql "$KAL_TEST_PG_URL" -qc "CREATE DATABASE $pgdb" >/dev/null
"$bin" migrate --db "$db_url" >"$work/migrate.out"

# Sign-ups per address and minute are limited by default; unlimited here, since every request
# comes from 127.0.0.1. A binary that does not know the key refuses unknown KALENDARIUM_* names.
if KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE=0 "$bin" token list --db "$db_url" >/dev/null 2>&1; then
  export KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE=0
fi

pool=${BENCH_POOL_SIZE:-4}  # database.pool_size, set explicitly; 4 is the default (config/kalendarium.example.toml)
port=$(free_port)
KALENDARIUM_LOG_LEVEL=warn KALENDARIUM_DATABASE_POOL_SIZE=$pool "$bin" serve --port "$port" --db "$db_url" >"$work/serve.out" 2>"$work/serve.err" &
service_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
api="http://127.0.0.1:$port/api/v1"

# POST JSON with a token; prints the answer's id.
create() {
  local token=$1 collection=$2 body=$3 status
  status=$(curl -sS -o "$work/created.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
             -H 'Content-Type: application/json' -d "$body" "$api/$collection")
  [ "$status" = 201 ] || { echo "rsvps: POST $collection answered $status: $(cat "$work/created.json")" >&2; return 1; }
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' <"$work/created.json"
}
new_token() { "$bin" token create --db "$db_url" "$@" 2>>"$work/token.err" | grep -o 'kal_[A-Za-z0-9_-]*' | head -1; }

admin=$(new_token --role admin --name "bench admin")
org=$(create "$admin" organisations '{"name": "Föreningen Benchmark"}')
organiser=$(new_token --role organiser --name "bench organiser" --organisation "$org")
meeting() {  # a published meeting far ahead with the given capacity; prints its id
  create "$organiser" meetings "{\"type\": \"stormote\", \"title\": \"Stormöte $2\", \"start\": \"2099-11-26T13:00\",
    \"end\": \"2099-11-26T16:30\", \"organisation_id\": $org, \"status\": \"published\", \"capacity\": $1}"
}

# Both sides start from the same state: an empty meeting of their own, vacuumed and analysed
# tables that hold a history (below).
settle() {
  sql "VACUUM ANALYZE rsvps" >/dev/null; sql "VACUUM ANALYZE rsvp_tokens" >/dev/null
  sql "VACUUM ANALYZE checkin_links" >/dev/null; sql "VACUUM ANALYZE outbox" >/dev/null
  sql "CHECKPOINT" >/dev/null
}

# wrk against the service: "requests/s p99-ms non-2xx requests".
measure_http() {
  local meeting_id=$1 tag=$2 out rps p99 non2xx total
  out=$(KAL_BENCH_MEETING=$meeting_id KAL_BENCH_ORG=$org KAL_BENCH_RUN=$tag \
        wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$root/bench/rsvps.lua" "http://127.0.0.1:$port")
  echo "$out" >"$work/wrk-$tag.out"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps ${p99:-?} ${non2xx:-0} ${total:-0}"
}

# pgbench with the same transaction: "tps p99-ms failed transactions". p99 is taken from the
# per-transaction log (-l: the 3rd field is the transaction's latency in microseconds).
measure_pgbench() {
  local meeting_id=$1 tag=$2 clients=${3:-$connections} out tps p99 failed total
  (cd "$work" && "$pgbench" -n -M extended -c "$clients" -j "$threads" -T "$seconds" -r \
     -l --log-prefix="$work/pgbench-$tag" -D meeting="$meeting_id" -D org="$org" -D i=0 \
     -f "$root/bench/rsvp_signup.sql" "$db_url") >"$work/pgbench-$tag.out" 2>"$work/pgbench-$tag.err" ||
    { cat "$work/pgbench-$tag.err" >&2; return 1; }
  out=$(cat "$work/pgbench-$tag.out")
  tps=$(awk '/^tps = / {printf "%.2f", $3; exit}' <<<"$out")
  failed=$(awk '/number of failed transactions/ {print $5; exit}' <<<"$out")
  total=$(awk '/number of transactions actually processed/ {split($6, a, "/"); print a[1]; exit}' <<<"$out")
  p99=$(cat "$work/pgbench-$tag".* | awk '{print $3}' | sort -n |
        awk '{v[NR]=$1} END {if (NR == 0) {print "?"; exit} i=int(NR*0.99); if (i < NR*0.99) i++; printf "%.2f", v[i]/1000}')
  echo "$tps $p99 ${failed:-0} ${total:-0}"
}

count() { sql "SELECT count(*) FILTER (WHERE status = 'confirmed') || ' ' || count(*) FILTER (WHERE status = 'waitlisted') FROM rsvps WHERE meeting_id = $1"; }

big=100000  # the largest capacity the API takes
m_http=$(meeting $big "HTTP")
m_pgb=$(meeting $big "pgbench")
m_http_w=$(meeting 50 "HTTP, waitlist")
m_pgb_w=$(meeting 50 "pgbench, waitlist")
m_pgb_4=$(meeting $big "pgbench, 4 clients")

# A history, as a database in use holds: 5,000 sign-ups of 50 earlier meetings, each with its
# links. Analysed while empty instead, the tables tell the planner that a scan of the whole table
# costs nothing, and the statements both sides keep prepared (the service's pooled connections,
# kal_sign_up's PL/pgSQL, pgbench -M extended) keep that generic plan: the repeat check under the
# lock and the token-hash checks then read every sign-up so far, and each sign-up is slower than
# the one before it (measured: 888, then 660 a second over two 5-s runs, against 2,100 steadily
# with these rows). A database in use is analysed again as it grows (autovacuum), which replans.
history=$(for i in $(seq 50); do meeting 200 "history $i"; done | paste -sd, -)
sql "INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, party_size,
       needs, language, status, token_hash, created_at, updated_at)
     SELECT (ARRAY[$history])[1 + g % 50], 'Deltagare ' || g, 'history-' || g || '@example.org',
            'history-' || g || '@example.org', $org, '', 1, '', 'sv', 'confirmed',
            encode(sha256(convert_to('history-' || g, 'UTF8')), 'hex'), 0, 0
       FROM generate_series(1, 5000) g" >/dev/null
sql "INSERT INTO rsvp_tokens (token_hash, rsvp_id, created_at)
     SELECT encode(sha256(convert_to('history-link-' || id, 'UTF8')), 'hex'), id, 0 FROM rsvps" >/dev/null
sql "INSERT INTO checkin_links (token_hash, rsvp_id, created_at)
     SELECT encode(sha256(convert_to('history-door-' || id, 'UTF8')), 'hex'), id, 0 FROM rsvps" >/dev/null

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
settle; read -r h_rps h_p99 h_err h_n < <(measure_http "$m_http" seats)
settle; read -r p_tps p_p99 p_err p_n < <(measure_pgbench "$m_pgb" seats)
settle; read -r hw_rps hw_p99 hw_err hw_n < <(measure_http "$m_http_w" waitlist)
settle; read -r pw_tps pw_p99 pw_err pw_n < <(measure_pgbench "$m_pgb_w" waitlist)
# For comparison only: pgbench with as many clients as the service has database connections.
settle; read -r p4_tps p4_p99 p4_err _ < <(measure_pgbench "$m_pgb_4" pool "$pool")

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# What the database holds afterwards: every request a new sign-up, seats never over capacity.
read -r h_conf h_wait < <(count "$m_http")
read -r p_conf p_wait < <(count "$m_pgb")
read -r hw_conf hw_wait < <(count "$m_http_w")
read -r pw_conf pw_wait < <(count "$m_pgb_w")
deadlocks=$(sql "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
errors=$(grep -ci 'error' "$work/serve.err" || true)

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
{
  echo ""
  echo "### Sign-ups — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "PostgreSQL 15 (throwaway cluster, fsync off); $connections concurrent clients on each side for $duration:" \
       "wrk -t$threads -c$connections -d$duration --latency -s bench/rsvps.lua against kalendarium" \
       "(database.pool_size $pool), and pgbench -n -M extended -c$connections -j$threads -T$seconds" \
       "-f bench/rsvp_signup.sql; every request a new sign-up with its own e-mail address, party of 1," \
       "with an organisation id; each side signs up for a meeting of its own, beside a history of" \
       "5,000 sign-ups of 50 other meetings; build: $build;" \
       "load average before/after: $load_before / $load_after ($(nproc) cores shared with other work:" \
       "compare the ratios)."
  echo ""
  echo "| target | transactions/s | p99 latency (ms) | non-2xx / failed | ratio to pgbench |"
  echo "|---|---:|---:|---:|---:|"
  echo "| pgbench, the same transaction, seats free | $p_tps | $p_p99 | $p_err | 1.00 |"
  echo "| kalendarium, POST …/rsvps, seats free | $h_rps | $h_p99 | $h_err | $(ratio "$h_rps" "$p_tps") |"
  echo "| pgbench, the same transaction, 50 seats (waitlist) | $pw_tps | $pw_p99 | $pw_err | 1.00 |"
  echo "| kalendarium, POST …/rsvps, 50 seats (waitlist) | $hw_rps | $hw_p99 | $hw_err | $(ratio "$hw_rps" "$pw_tps") |"
  echo "| pgbench with $pool clients (the service's pool size), seats free | $p4_tps | $p4_p99 | $p4_err | $(ratio "$p4_tps" "$p_tps") |"
  echo ""
  echo "Rows afterwards (confirmed/waitlisted): HTTP $h_conf/$h_wait for $h_n requests, pgbench" \
       "$p_conf/$p_wait for $p_n transactions; with 50 seats HTTP $hw_conf/$hw_wait for $hw_n requests," \
       "pgbench $pw_conf/$pw_wait for $pw_n transactions. Deadlocks: $deadlocks; error lines in the" \
       "service's log: $errors. p99: wrk's --latency distribution (HTTP); the 99th percentile of" \
       "pgbench's per-transaction log (-l)."
  echo ""
  echo "The last row, for comparison only, is pgbench on a meeting of its own with as many clients as the" \
       "service has database connections (its ratio is to the first row): the service queues" \
       "requests beyond its pool in memory, so at most $pool backends wait on the row lock."
  echo ""
  echo "Both sides serialise on one lock, the meeting's row (SELECT … FOR UPDATE), so both contend" \
       "on the same thing; over HTTP each sign-up also parses and validates the JSON body, makes and" \
       "hashes a manage token and answers with JSON. pgbench runs the sign-up as the service ran it" \
       "before issue 13, item 5: the lock, then each check, the insert and the read-back, one statement" \
       "and round trip at a time while the lock is held. The service reads what does not depend on the" \
       "meeting's sign-ups before the lock and then makes one call of kal_sign_up (schema 0010), which" \
       "takes the lock, decides and writes, so it holds the lock for that call and the COMMIT."
} | tee -a "$root/docs/benchmarks.md"
