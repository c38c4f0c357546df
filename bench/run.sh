#!/usr/bin/env bash
# make bench: requests per second and p99 latency of GET /api/v1/meetings on SQLite and on
# PostgreSQL, measured with wrk on loopback, beside nginx serving the same response bytes as a
# static file in the same run. Appends the results, with machine and date, to docs/benchmarks.md.
# Then bench/feeds.sh (feeds), bench/pages.sh (the cached start page against nginx, cold renders
# of pages over 2,000 meetings) and bench/rsvps.sh (sign-ups against pgbench).
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
# BENCH_ONLY="feeds mail" runs only those parts (default: meetings feeds pages rsvps mail).
want() { [[ " ${BENCH_ONLY:-meetings feeds pages rsvps mail} " == *" $1 "* ]]; }

if want meetings; then
ng=$(measure_nginx "http://127.0.0.1:$nginx_port/meetings.json")
read -r ng_rps ng_p99 _ <<<"$ng"
read -r sq_rps sq_p99 sq_err < <(measure "http://127.0.0.1:$sqlite_port$path")
read -r pg_rps pg_p99 pg_err < <(measure "http://127.0.0.1:$pg_port$path")
{
  echo ""
  echo "### GET /api/v1/meetings — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "wrk -t$threads -c$connections -d$duration on loopback; demo data, response $bytes bytes (50 meetings); build: $build."
  echo ""
  echo "| target | requests/s | p99 latency (ms) | non-2xx | ratio to nginx |"
  echo "|---|---:|---:|---:|---:|"
  echo "| nginx, same bytes as a static file | $ng_rps | $ng_p99 | 0 | 1.00 |"
  echo "| kalendarium on SQLite | $sq_rps | $sq_p99 | $sq_err | $(ratio "$sq_rps" "$ng_rps") |"
  echo "| kalendarium on PostgreSQL 15 | $pg_rps | $pg_p99 | $pg_err | $(ratio "$pg_rps" "$ng_rps") |"
} | tee -a "$root/docs/benchmarks.md"
fi

if want feeds; then source "$root/bench/feeds.sh"; fi
if want pages; then source "$root/bench/pages.sh"; fi

# Sign-ups against pgbench: a script of its own (tests/with-postgres.sh bench/rsvps.sh BUILD_DIR
# runs it alone), with its own database, service and clean-up.
if want rsvps; then "$root/bench/rsvps.sh" "$build"; fi
if want mail; then "$root/bench/mail.sh" "$build"; fi
