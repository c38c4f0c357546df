#!/usr/bin/env bash
# make bench: requests per second and p99 latency of GET /api/v1/meetings on SQLite and on
# PostgreSQL, measured with wrk on loopback, beside nginx serving the same response bytes as a
# static file in the same run. Appends the results, with machine and date, to docs/benchmarks.md.
# Then bench/feeds.sh (feeds), bench/pages.sh (the cached start page against nginx, cold renders
# of pages over 2,000 meetings), bench/idle.sh (memory of 1,000 idle keep-alive connections, beside
# nginx holding as many) and bench/rsvps.sh (sign-ups against pgbench).
# Runs inside tests/with-postgres.sh (KAL_TEST_PG_URL). Usage: bench/run.sh BUILD_DIR
set -euo pipefail
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/bin/kalendarium"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
work=$(mktemp -d /tmp/kal-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Services are started inside $(...), a subshell: their ids come back through a file.
  [ -f "$work/service.pids" ] && while read -r p; do kill "$p" 2>/dev/null || true; done <"$work/service.pids"
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts kalendarium with the demo data on a database URL; prints its port.
start_service() {
  local url=$1 port
  port=$(free_port)
  KALENDARIUM_LOG_LEVEL=warn "$bin" serve --demo --port "$port" --db "$url" >"$work/serve-$port.out" 2>"$work/serve-$port.err" &
  echo $! >>"$work/service.pids"
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "$port"
}

# wrk's requests/sec and 99th percentile (in ms) for a URL.
measure() {
  local url=$1 out rps p99
  local header=()
  [ -n "${wrk_header:-}" ] && header=(-H "$wrk_header")
  [ -n "${wrk_auth:-}" ] && header+=(-H "$wrk_auth")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "${header[@]}" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  [ -n "${wrk_header:-}" ] && non2xx=0  # 304s count as non-2xx for wrk
  echo "$rps ${p99:-?} ${non2xx:-0}"
}

sqlite_port=$(start_service "sqlite:$work/bench.db")
pgdb="kal_bench_$$"
psql "$KAL_TEST_PG_URL" -qc "CREATE DATABASE $pgdb" >/dev/null
pg_port=$(start_service "${KAL_TEST_PG_URL%/*}/$pgdb")
path="/api/v1/meetings?limit=50"

# nginx serves the same bytes the service answers, as a static file.
mkdir -p "$work/www" "$work/nginx"
# nginx's workers run as an unprivileged user: mktemp's 0700 directory would answer every request
# with 403 (and such a reference measures nothing; measure_nginx below refuses it).
chmod 755 "$work" "$work/www"
curl -fs "http://127.0.0.1:$sqlite_port$path" >"$work/www/meetings.json"
bytes=$(wc -c <"$work/www/meetings.json")
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  # Debian's defaults for static files: the kernel sends them (no copy through nginx).
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/www; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# As measure, for nginx: stops the benchmark when nginx answers anything but 2xx.
measure_nginx() {
  local result
  result=$(measure "$1")
  if [ "$(awk '{print $3}' <<<"$result")" != "0" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" != "200" ]; then
    echo "bench: nginx does not answer 200 for $1; its reference would be meaningless" >&2
    exit 1
  fi
  echo "$result"
}
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
# BENCH_ONLY="feeds mail" runs only those parts (default: meetings feeds pages idle rsvps mail).
want() { [[ " ${BENCH_ONLY:-meetings feeds pages idle rsvps mail} " == *" $1 "* ]]; }

if want meetings; then
# Reads of the API, each beside nginx serving the same bytes in the same run: the list and a
# single meeting, anonymous (from the render cache) and with an organiser token (never cached:
# the statements run on every request).
organiser_token() { "$bin" token create --db "$1" --role organiser --name "bench organiser" --organisation 1 2>>"$work/token.err" | grep -o 'kal_[A-Za-z0-9_-]*' | head -1; }
sq_token=$(organiser_token "sqlite:$work/bench.db")
pg_token=$(organiser_token "${KAL_TEST_PG_URL%/*}/$pgdb")
meeting_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])' <"$work/www/meetings.json")
one="/api/v1/meetings/$meeting_id"
curl -fs "http://127.0.0.1:$sqlite_port$one" >"$work/www/meeting.json"
curl -fs -H "Authorization: Bearer $sq_token" "http://127.0.0.1:$sqlite_port$path" >"$work/www/meetings-token.json"
curl -fs -H "Authorization: Bearer $sq_token" "http://127.0.0.1:$sqlite_port$one" >"$work/www/meeting-token.json"
row() {  # label, nginx file, path; SQLite and PostgreSQL rows, with a token when $3 is "token"
  local label=$1 file=$2 target=$3 kind=$4 n ng_rps ng_p99 sq_rps sq_p99 sq_err pg_rps pg_p99 pg_err
  n=$(wc -c <"$work/www/$file")
  read -r ng_rps ng_p99 _ < <(measure_nginx "http://127.0.0.1:$nginx_port/$file")
  if [ "$kind" = token ]; then
    read -r sq_rps sq_p99 sq_err < <(wrk_auth="Authorization: Bearer $sq_token" measure "http://127.0.0.1:$sqlite_port$target")
    read -r pg_rps pg_p99 pg_err < <(wrk_auth="Authorization: Bearer $pg_token" measure "http://127.0.0.1:$pg_port$target")
  else
    read -r sq_rps sq_p99 sq_err < <(measure "http://127.0.0.1:$sqlite_port$target")
    read -r pg_rps pg_p99 pg_err < <(measure "http://127.0.0.1:$pg_port$target")
  fi
  echo "| $label ($n bytes) | $ng_rps | $sq_rps ($(ratio "$sq_rps" "$ng_rps")) | $pg_rps ($(ratio "$pg_rps" "$ng_rps")) | $ng_p99 / $sq_p99 / $pg_p99 | $sq_err / $pg_err |"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(
  row "GET /api/v1/meetings, 50 meetings, anonymous (cached)" meetings.json "$path" anonymous
  row "GET /api/v1/meetings/{id}, anonymous (cached)" meeting.json "$one" anonymous
  row "GET /api/v1/meetings, 50 meetings, organiser token" meetings-token.json "$path" token
  row "GET /api/v1/meetings/{id}, organiser token" meeting-token.json "$one" token
)
# PostgreSQL alone with the token list's two statements (bench/meetings_list.sql), as many
# clients as wrk has connections: the ceiling of any service that reads that list from
# PostgreSQL on every request, here, beside the list's nginx row of this run.
pgurl="${KAL_TEST_PG_URL%/*}/$pgdb"
pg_token_hash=$(psql "$pgurl" -qAtX -c "SELECT token_hash FROM api_tokens WHERE name = 'bench organiser' ORDER BY id DESC LIMIT 1")
list_seconds=${duration%s}
pgbench_bin=/usr/lib/postgresql/15/bin/pgbench
[ -x "$pgbench_bin" ] || pgbench_bin=$(command -v pgbench)
pg_alone=$("$pgbench_bin" -n -M prepared -c "$connections" -j "$threads" -T "$list_seconds" -D h="$pg_token_hash" -D o=1 \
             -D l=51 -f "$root/bench/meetings_list.sql" "$pgurl" 2>/dev/null | awk '/^tps = / {printf "%.2f", $3; exit}')
# SQLite alone with the same two statements (bench/sqlite_statements.cpp), a thread and a
# connection per core: the same ceiling for SQLite.
sq_token_hash=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT token_hash FROM api_tokens WHERE name = ? ORDER BY id DESC LIMIT 1", ("bench organiser",)).fetchone()[0])' "$work/bench.db")
sq_alone=$("$root/$build/bin/kal-bench-sqlite-statements" "$work/bench.db" "$root/bench/meetings_list.sql" -D h="$sq_token_hash" \
             -D o=1 -D l=51 -j "$(nproc)" -T "$list_seconds" 2>/dev/null | awk '/^tps = / {printf "%.2f", $3; exit}')
list_nginx=$(sed -n 3p <<<"$rows" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo ""
  echo "### API reads — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "wrk -t$threads -c$connections -d$duration on loopback; demo data; build: $build; load average" \
       "before/after: $load_before / $load_after (2 cores shared with other work: compare the ratios)."
  echo "Each row's nginx serves that row's bytes as a static file in the same run; the ratio to nginx is in brackets."
  echo ""
  echo "| request | nginx req/s | SQLite req/s (ratio) | PostgreSQL req/s (ratio) | p99 ms nginx / SQLite / PostgreSQL | non-2xx SQLite / PostgreSQL |"
  echo "|---|---:|---:|---:|---|---:|"
  echo "$rows"
  echo ""
  echo "PostgreSQL alone, pgbench -M prepared -c$connections -j$threads -T$list_seconds running the token list's two" \
       "statements (bench/meetings_list.sql: the token's lookup, the 50 meetings): ${pg_alone:-?} transactions/s," \
       "$( [ -n "$pg_alone" ] && [ -n "$list_nginx" ] && ratio "$pg_alone" "$list_nginx" || echo '?') of the list's nginx row above:" \
       "the most a service that runs these statements for every such request could answer on this machine."
  echo ""
  echo "SQLite alone, bench/sqlite_statements.cpp with $(nproc) threads (a connection each) running the same two" \
       "statements on the SQLite row's database: ${sq_alone:-?} a second," \
       "$( [ -n "$sq_alone" ] && [ -n "$list_nginx" ] && ratio "$sq_alone" "$list_nginx" || echo '?') of the list's nginx row above."
} | tee -a "$root/docs/benchmarks.md"

# BENCH_CEILING_BIN=a kalendarium built with bench/token-list-ceiling.patch (an experiment, never
# committed): the token list served by that binary on the same two databases when it renders
# nothing (it sends its first answer's bytes again after reading the page) and when it reads one
# meeting instead of the page as well. What is left is the request's other work: HTTP, the token,
# the pool's threads, 50 KB to send. See docs/benchmarks.md, "What the token list could reach".
if [ -n "${BENCH_CEILING_BIN:-}" ]; then
  start_ceiling() {  # database URL, then KAL_CEILING_* variables; prints the port
    local url=$1 port
    shift
    port=$(free_port)
    env "$@" KALENDARIUM_LOG_LEVEL=warn "$BENCH_CEILING_BIN" serve --port "$port" --db "$url" \
      >"$work/ceiling-$port.out" 2>&1 &
    echo $! >>"$work/service.pids"
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "$port"
  }
  ceiling_row() {  # label, SQLite port, PostgreSQL port
    local ng_rps sq_rps pg_rps
    curl -fs -H "Authorization: Bearer $sq_token" "http://127.0.0.1:$2$path" | cmp -s - "$work/www/meetings-token.json" ||
      { echo "bench: the ceiling binary answers other bytes than the service" >&2; exit 1; }
    read -r ng_rps _ _ < <(measure_nginx "http://127.0.0.1:$nginx_port/meetings-token.json")
    read -r sq_rps _ _ < <(wrk_auth="Authorization: Bearer $sq_token" measure "http://127.0.0.1:$2$path")
    read -r pg_rps _ _ < <(wrk_auth="Authorization: Bearer $pg_token" measure "http://127.0.0.1:$3$path")
    echo "| $1 | $ng_rps | $sq_rps ($(ratio "$sq_rps" "$ng_rps")) | $pg_rps ($(ratio "$pg_rps" "$ng_rps")) |"
  }
  keep_sq=$(start_ceiling "sqlite:$work/bench.db" KAL_CEILING_KEEP_BYTES=1)
  keep_pg=$(start_ceiling "$pgurl" KAL_CEILING_KEEP_BYTES=1)
  one_sq=$(start_ceiling "sqlite:$work/bench.db" KAL_CEILING_KEEP_BYTES=1 KAL_CEILING_ONE_ROW=1)
  one_pg=$(start_ceiling "$pgurl" KAL_CEILING_KEEP_BYTES=1 KAL_CEILING_ONE_ROW=1)
  {
    echo ""
    echo "The token list's ceiling (BENCH_CEILING_BIN, bench/token-list-ceiling.patch), each row beside nginx again:"
    echo ""
    echo "| the token list, served by | nginx req/s | SQLite req/s (ratio) | PostgreSQL req/s (ratio) |"
    echo "|---|---:|---:|---:|"
    ceiling_row "the service as it is" "$sqlite_port" "$pg_port"
    ceiling_row "the 50 meetings read, nothing rendered" "$keep_sq" "$keep_pg"
    ceiling_row "one meeting read, nothing rendered" "$one_sq" "$one_pg"
  } | tee -a "$root/docs/benchmarks.md"
fi

# A profile of the list with a token (the uncached path) on SQLite, when perf(1) may sample.
if [ -n "${BENCH_PROFILE:-}" ] && command -v perf >/dev/null; then
  sq_pid=$(head -1 "$work/service.pids")
  (wrk_auth="Authorization: Bearer $sq_token" measure "http://127.0.0.1:$sqlite_port$path" >/dev/null) &
  load_pid=$!
  sleep 1
  perf record -F 999 -g -p "$sq_pid" -o "$work/perf.data" -- sleep 5 >/dev/null 2>&1 || true
  wait "$load_pid"  # not a bare wait: nginx runs in the background too
  {
    echo ""
    echo "Top ten of that service's self time (perf record -F 999 -g, 5 s of GET $path with an organiser token, SQLite):"
    echo ""
    echo '```'
    perf report -i "$work/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -10
    echo '```'
  } | tee -a "$root/docs/benchmarks.md"
fi
fi

if want feeds; then source "$root/bench/feeds.sh"; fi
if want pages; then source "$root/bench/pages.sh"; fi
if want idle; then source "$root/bench/idle.sh"; fi

# Sign-ups against pgbench: a script of its own (tests/with-postgres.sh bench/rsvps.sh BUILD_DIR
# runs it alone), with its own database, service and clean-up.
if want rsvps; then "$root/bench/rsvps.sh" "$build"; fi
if want mail; then "$root/bench/mail.sh" "$build"; fi
