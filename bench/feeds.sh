#!/usr/bin/env bash
# Feed benchmarks, sourced by bench/run.sh (which provides start_service, measure, free_port,
# ratio, $work, $machine, $bin): a cached 200-meeting feed against nginx serving the same bytes,
# the 304 path, and cold renders of a 2,000-meeting feed.

# An iCalendar file of N meetings spread over the coming year, for POST /api/v1/import.
make_calendar() {
  /usr/bin/python3 - "$1" <<'PY'
import datetime, sys
n = int(sys.argv[1])
start = datetime.date.today() + datetime.timedelta(days=1)
print("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r", end="\n")
for i in range(n):
    d = start + datetime.timedelta(days=(i * 365) // n)
    print("BEGIN:VEVENT\r\nUID:bench-%d@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
          "DTSTART;TZID=Europe/Stockholm:%sT180000\r\nDTEND;TZID=Europe/Stockholm:%sT200000\r\n"
          "SUMMARY:Möte %d om Överenskommelsen\r\nDESCRIPTION:Ett möte för benchmark\\, med text.\r\n"
          "LOCATION:Stadshuset\\, Borås\r\nEND:VEVENT\r" % (i, d.strftime("%Y%m%d"), d.strftime("%Y%m%d"), i), end="\n")
print("END:VCALENDAR\r", end="\n")
PY
}

# Starts a service on a fresh SQLite file with N imported meetings; prints "port token".
feed_service() {
  local n=$1 port token
  port=$(start_service "sqlite:$work/feeds-$n.db")
  token=$(grep -o 'kal_[A-Za-z0-9_-]*' "$work/serve-$port.out" | head -1)
  make_calendar "$n" >"$work/import-$n.ics"
  curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: text/calendar' \
    --data-binary @"$work/import-$n.ics" "http://127.0.0.1:$port/api/v1/import?organisation=1&type=fro"
  echo "$port $token"
}

read -r f200_port _ < <(feed_service 200)
feed="/feeds/types/fro.ics"
curl -fs "http://127.0.0.1:$f200_port$feed" >"$work/www/feed.ics"
feed_bytes=$(wc -c <"$work/www/feed.ics")
etag=$(curl -fsI "http://127.0.0.1:$f200_port$feed" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')

ngf=$(measure_nginx "http://127.0.0.1:$nginx_port/feed.ics")
read -r ngf_rps ngf_p99 _ <<<"$ngf"
read -r kf_rps kf_p99 kf_err < <(measure "http://127.0.0.1:$f200_port$feed")
read -r k304_rps k304_p99 _ < <(wrk_header="If-None-Match: $etag" measure "http://127.0.0.1:$f200_port$feed")

# Cold renders: each change through the API invalidates the cache; the next GET renders.
read -r f2000_port f2000_token < <(feed_service 2000)
cold=()
for i in $(seq 1 15); do
  curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $f2000_token" -H 'Content-Type: application/json' \
    -d "{\"description\": \"ändring $i\"}" "http://127.0.0.1:$f2000_port/api/v1/meetings/1"
  cold+=("$(curl -fs -o "$work/cold.ics" -w '%{time_total}' "http://127.0.0.1:$f2000_port$feed")")
done
cold_bytes=$(wc -c <"$work/cold.ics")
cold_median=$(printf '%s\n' "${cold[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}')
cold_max=$(printf '%s\n' "${cold[@]}" | sort -n | tail -1 | awk '{printf "%.1f", $1*1000}')
rss=$(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$(pgrep -f "serve --demo --port $f2000_port")/status" 2>/dev/null || echo "?")

{
  echo ""
  echo "### Feeds — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "wrk -t$threads -c$connections -d$duration on loopback; SQLite; build: $build."
  echo ""
  echo "| target | requests/s | p99 latency (ms) | non-2xx | ratio to nginx |"
  echo "|---|---:|---:|---:|---:|"
  echo "| nginx, the same $feed_bytes-byte feed as a static file | $ngf_rps | $ngf_p99 | 0 | 1.00 |"
  echo "| kalendarium, cached 200-meeting feed | $kf_rps | $kf_p99 | $kf_err | $(ratio "$kf_rps" "$ngf_rps") |"
  echo "| kalendarium, 304 for If-None-Match | $k304_rps | $k304_p99 | (all 304) | $(ratio "$k304_rps" "$ngf_rps") |"
  echo ""
  echo "Cold render of a 2,000-meeting feed ($cold_bytes bytes) after a change, 15 times: median" \
       "$cold_median ms, slowest $cold_max ms (curl time_total, one client); peak RSS of that service: $rss."
} | tee -a "$root/docs/benchmarks.md"
