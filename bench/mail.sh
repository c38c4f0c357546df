#!/usr/bin/env bash
# Mail delivered per second: 10,000 reminders due at once, sent by kalendarium's delivery worker
# over SMTP (libcurl, one recipient per message, the connection reused) to the test SMTP server
# (tests/tools/smtp_sink.py, aiosmtpd) on loopback, with 1 and with 4 workers, on SQLite and, when
# KAL_TEST_PG_URL is set (tests/with-postgres.sh), on PostgreSQL. In the same run the sink alone is
# fed the same message 10,000 times by a Python smtplib client (one connection, then four): the
# reference, since Python may well be the slower side.
#
# How the reminders come to be due at once (as in tests/e2e/mail_tests.cpp): 10,000 people sign
# up over HTTP for one meeting while the service runs WITHOUT mail (so nothing is written to the
# outbox), the meeting gets the reminders ["2h"] and is moved so that the reminder falls due a
# second later; that service stops, the database is copied for each run, and a service WITH mail
# is started on the copy. The time is measured from its start until the sink has accepted the
# 10,000th message (the sink's file times), so it includes start-up and planning the reminders.
# Checked afterwards: 10,000 distinct Message-IDs and recipients arrived, every outbox row is
# "sent", and the service logged no warning or error. Appends the results to docs/benchmarks.md.
#
# The sink writes each message to files with fsync; its directory is on /dev/shm (tmpfs) so that
# the disk does not set the pace (on this machine's disk the sink alone takes about 250 messages/s).
# On PostgreSQL only the run with 4 workers by default: one worker sends about 80 messages/s there
# (some 50 round trips to the database per message), which alone would take two minutes.
# Usage: bench/mail.sh BUILD_DIR
#   BENCH_MAIL_MESSAGES      how many reminders (10000)
#   BENCH_MAIL_WORKERS       mail.workers of the SQLite runs ("1 4")
#   BENCH_MAIL_PG_WORKERS    mail.workers of the PostgreSQL runs ("4"; "" for none)
#   BENCH_MAIL_OUTPUT        where to append the results (docs/benchmarks.md)
set -euo pipefail
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/bin/kalendarium"
count=${BENCH_MAIL_MESSAGES:-10000}
output=${BENCH_MAIL_OUTPUT:-$root/docs/benchmarks.md}
sqlite_workers=${BENCH_MAIL_WORKERS-1 4}
pg_workers=${BENCH_MAIL_PG_WORKERS-4}
py=/usr/bin/python3  # Debian's, with aiosmtpd (python3-aiosmtpd)
tools="$root/bench/mail_tools.py"
sink_script="$root/tests/tools/smtp_sink.py"
pg_url=${KAL_TEST_PG_URL:-}

work=$(mktemp -d /tmp/kal-bench-mail.XXXXXX)
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=$work
sinks=$(mktemp -d "$shm/kal-bench-mail-sink.XXXXXX")
pgdbs=()
service_pid=""
sink_pid=""
cleanup() {
  for p in "$service_pid" "$sink_pid"; do
    [ -n "$p" ] || continue
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  for d in "${pgdbs[@]}"; do psql "$pg_url" -qc "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
  rm -rf "$work" "$sinks"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts kalendarium on a database URL with extra environment (NAME=value ...): service_pid, port.
start_service() {
  local url=$1 log=$2
  shift 2
  port=$(free_port)
  env KALENDARIUM_LOG_LEVEL=warn KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE=0 "$@" \
    "$bin" serve --port "$port" --db "$url" >"$work/$log.out" 2>"$work/$log.err" &
  service_pid=$!
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "mail: the service did not start: $(cat "$work/$log.err")" >&2
  return 1
}
stop_service() {
  kill "$service_pid"
  wait "$service_pid" || true
  service_pid=""
}

# Starts the SMTP sink on an empty directory: sink_pid, sink_port, sink_dir.
start_sink() {
  sink_dir=$(mktemp -d "$sinks/run.XXXXXX")
  "$py" "$sink_script" --dir "$sink_dir" >"$sink_dir.out" 2>"$sink_dir.err" &
  sink_pid=$!
  sink_port=""
  for _ in $(seq 200); do
    sink_port=$(awk '/^PORT / {print $2}' "$sink_dir.out")
    [ -n "$sink_port" ] && return 0
    sleep 0.05
  done
  echo "mail: the SMTP sink did not start: $(cat "$sink_dir.err")" >&2
  return 1
}
stop_sink() {
  kill "$sink_pid"
  wait "$sink_pid" || true
  sink_pid=""
}

# A database with $count sign-ups for one meeting whose "2h" reminder falls due a second later.
prepare() {
  local url=$1 api token status org meeting start end
  "$bin" migrate --db "$url" >"$work/migrate.out"
  token=$("$bin" token create --db "$url" --role admin --name "bench admin" 2>>"$work/token.err" |
            grep -o 'kal_[A-Za-z0-9_-]*' | head -1)
  start_service "$url" prepare
  api="http://127.0.0.1:$port/api/v1"
  call() {  # METHOD PATH JSON: prints the answer's id
    status=$(curl -sS -o "$work/answer.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" \
               -H 'Content-Type: application/json' -d "$3" "$api/$2")
    case "$status" in 2??) ;; *) echo "mail: $1 $2 answered $status: $(cat "$work/answer.json")" >&2; return 1 ;; esac
    python3 -c 'import json, sys; print(json.load(sys.stdin).get("id", ""))' <"$work/answer.json"
  }
  org=$(call POST organisations '{"name": "Borås Stad"}')
  meeting=$(call POST meetings "{\"type\": \"stormote\", \"title\": \"Stormötet\", \"start\": \"2099-11-26T13:00\",
    \"end\": \"2099-11-26T16:00\", \"time_zone\": \"UTC\", \"organisation_id\": $org, \"status\": \"published\"}")
  call PUT "meetings/$meeting/reminders" '{"offsets": ["2h"]}' >/dev/null
  "$py" "$tools" signup "http://127.0.0.1:$port" "$meeting" "$count" --clients 8
  start=$(date -u -d '+2 hours 1 second' +%Y-%m-%dT%H:%M:%S)
  end=$(date -u -d '+3 hours 1 second' +%Y-%m-%dT%H:%M:%S)
  call PATCH "meetings/$meeting" "{\"start\": \"$start\", \"end\": \"$end\", \"time_zone\": \"UTC\"}" >/dev/null
  stop_service
}

# Outbox rows by state, "state=n ...", of a database.
outbox_states() {
  local url=$1 q="SELECT state || '=' || count(*) FROM outbox GROUP BY state ORDER BY state"
  case "$url" in
    sqlite:*) "$py" -c 'import sqlite3, sys; print(" ".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' \
                "${url#sqlite:}" "$q" ;;
    *) psql "$url" -qAtX -c "$q" | paste -sd' ' ;;
  esac
}

# One run: a service with mail and WORKERS workers on URL until the sink has $count messages.
# Sets result: "seconds first-seconds peak-rss-MiB cpu-seconds messages ids recipients bytes
# log-lines states". Not in a subshell, so that the clean-up knows the processes it started.
run_mail() {
  local url=$1 workers=$2 tag=$3 t0 first last rss cpu n ids rcpts bytes warnings states
  start_sink
  t0=$(date +%s.%N)
  start_service "$url" "mail-$tag" KALENDARIUM_MAIL_SMTP_URL="smtp://127.0.0.1:$sink_port" \
    KALENDARIUM_MAIL_WORKERS="$workers"
  "$py" "$tools" wait "$sink_dir" "$sink_pid" "$count" "$t0" --timeout 150 >"$work/wait.out"
  read -r first last <"$work/wait.out"
  sleep 0.5  # anything sent twice would arrive now
  rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$service_pid/status")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$service_pid/stat")
  stop_service
  stop_sink
  read -r n ids rcpts bytes < <("$py" "$tools" check "$sink_dir")
  warnings=$(grep -ciE 'warn|error' "$work/mail-$tag.err" || true)
  states=$(outbox_states "$url")
  if [ ! -f "$work/template.eml" ]; then  # one real message for the sink's reference run
    for x in eml rcpt session; do cp "$sink_dir/000001-"*".$x" "$work/template.$x"; done
  fi
  rm -rf "$sink_dir"
  result="$last $first $rss $cpu $n $ids $rcpts $bytes $warnings ${states// /,}"
}

# The sink alone, fed by smtplib over N connections. Sets result: "seconds messages ids recipients".
run_reference() {
  local connections=$1 seconds n ids rcpts
  start_sink
  "$py" "$tools" feed "$sink_port" "$work/template.eml" "$count" --connections "$connections" >"$work/feed.out"
  seconds=$(cat "$work/feed.out")
  stop_sink
  read -r n ids rcpts _ < <("$py" "$tools" check "$sink_dir")
  rm -rf "$sink_dir"
  result="$seconds $n $ids $rcpts"
}

rate() { python3 -c "print(f'{$1/float($2):.0f}')"; }
ratio() { python3 -c "print(f'{(float($1)/float($2)):.2f}')"; }

# Prepare every database first, then run: each run starts from a copy of a prepared one.
prepare "sqlite:$work/prepared.db"
targets=()
for w in $sqlite_workers; do
  cp "$work/prepared.db" "$work/run-$w.db"
  [ ! -e "$work/prepared.db-wal" ] || cp "$work/prepared.db-wal" "$work/run-$w.db-wal"
  targets+=("sqlite|$w|sqlite:$work/run-$w.db")
done
if [ -n "$pg_url" ] && [ -n "$pg_workers" ]; then
  pgdb="kal_bench_mail_$$"
  pgdbs+=("$pgdb")
  psql "$pg_url" -qc "CREATE DATABASE $pgdb" >/dev/null
  prepare "${pg_url%/*}/$pgdb"
  for w in $pg_workers; do
    pgdbs+=("${pgdb}_$w")
    psql "$pg_url" -qc "CREATE DATABASE ${pgdb}_$w TEMPLATE $pgdb" >/dev/null
    targets+=("postgresql|$w|${pg_url%/*}/${pgdb}_$w")
  done
fi

rows=()
for t in "${targets[@]}"; do
  IFS='|' read -r kind w url <<<"$t"
  run_mail "$url" "$w" "$kind-$w"
  read -r secs first rss cpu n ids rcpts bytes warnings states <<<"$result"
  rows+=("$kind|$w|$secs|$first|$rss|$cpu|$n|$ids|$rcpts|$bytes|$warnings|$states")
done
run_reference 1
read -r ref1_secs ref1_n ref1_ids ref1_rcpts <<<"$result"
run_reference 4
read -r ref4_secs ref4_n ref4_ids ref4_rcpts <<<"$result"
ref1_rate=$(rate "$count" "$ref1_secs")

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
name() { case "$1" in sqlite) echo "SQLite" ;; postgresql) echo "PostgreSQL 15" ;; esac; }
workers() { [ "$1" = 1 ] && echo "1 worker" || echo "$1 workers"; }
{
  echo ""
  echo "### Mail — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "$count reminders due at once for one meeting, one recipient per message; SMTP on loopback to" \
       "tests/tools/smtp_sink.py (aiosmtpd, its files on tmpfs); kalendarium with the default mail" \
       "settings (batch_size 20, poll_interval 1s, database.pool_size 4) except mail.workers;" \
       "seconds from the service's start to the ${count}th message accepted (start-up and planning" \
       "the reminders included); PostgreSQL 15 is the throwaway cluster of tests/with-postgres.sh" \
       "(fsync off); build: $build."
  echo ""
  echo "| target | messages | seconds | messages/s | ratio to the sink (1 connection) | first message after (s) | distinct Message-IDs / recipients | peak RSS (MiB) | service CPU (s) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| smtp_sink alone, Python smtplib, 1 connection (reference) | $ref1_n | $ref1_secs | $ref1_rate | 1.00 | — | $ref1_ids / $ref1_rcpts | — | — |"
  echo "| smtp_sink alone, Python smtplib, 4 connections | $ref4_n | $ref4_secs | $(rate "$count" "$ref4_secs") | $(ratio "$(rate "$count" "$ref4_secs")" "$ref1_rate") | — | $ref4_ids / $ref4_rcpts | — | — |"
  for r in "${rows[@]}"; do
    IFS='|' read -r kind w secs first rss cpu n ids rcpts bytes warnings states <<<"$r"
    echo "| kalendarium on $(name "$kind"), $(workers "$w") | $n | $secs | $(rate "$count" "$secs") | $(ratio "$(rate "$count" "$secs")" "$ref1_rate") | $first | $ids / $rcpts | $rss | $cpu |"
  done
  echo ""
  checks=""
  for r in "${rows[@]}"; do
    IFS='|' read -r kind w secs first rss cpu n ids rcpts bytes warnings states <<<"$r"
    checks+="$(name "$kind") with $(workers "$w"): outbox ${states//,/ }, $warnings warning or error lines in the log, median message $bytes bytes; "
  done
  echo "Afterwards: ${checks%; }. The reference sends one of the service's messages (its Message-ID" \
       "and recipient changed each time) with smtplib.sendmail, each connection reused for all its" \
       "messages. Service CPU: user + system time of the service process over the whole run."
} | tee -a "$output"

# A run is only worth its numbers when every message arrived exactly once.
for r in "${rows[@]}"; do
  IFS='|' read -r kind w secs first rss cpu n ids rcpts bytes warnings states <<<"$r"
  if [ "$n" != "$count" ] || [ "$ids" != "$count" ] || [ "$rcpts" != "$count" ]; then
    echo "mail: $kind with $w workers: $n messages, $ids Message-IDs, $rcpts recipients (want $count each)" >&2
    exit 1
  fi
done
