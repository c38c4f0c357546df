#!/usr/bin/env bash
# Page benchmarks, sourced by bench/run.sh (which provides start_service, measure, measure_nginx,
# free_port, ratio, $work, $machine, $nginx_port, $sqlite_port): the cached start page against
# nginx serving the same bytes, its 304, and cold renders of pages over 2,000 meetings.

# An iCalendar file of N meetings spread over next calendar year, for POST /api/v1/import.
make_year_calendar() {
  /usr/bin/python3 - "$1" <<'PY'
import datetime, sys
n = int(sys.argv[1])
start = datetime.date(datetime.date.today().year + 1, 1, 1)
print("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r", end="\n")
for i in range(n):
    d = start + datetime.timedelta(days=(i * 365) // n)
    print("BEGIN:VEVENT\r\nUID:bench-page-%d@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
          "DTSTART;TZID=Europe/Stockholm:%sT180000\r\nDTEND;TZID=Europe/Stockholm:%sT200000\r\n"
          "SUMMARY:Möte %d om Överenskommelsen\r\nDESCRIPTION:Ett möte för benchmark\\, med text.\r\n"
          "LOCATION:Stadshuset\\, Borås\r\nEND:VEVENT\r" % (i, d.strftime("%Y%m%d"), d.strftime("%Y%m%d"), i), end="\n")
print("END:VCALENDAR\r", end="\n")
PY
}

# The cached start page of the demo data (SQLite) and nginx with its bytes.
page="/"
curl -fs "http://127.0.0.1:$sqlite_port$page" >"$work/www/start.html"
page_bytes=$(wc -c <"$work/www/start.html")
page_etag=$(curl -fsI "http://127.0.0.1:$sqlite_port$page" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ngp=$(measure_nginx "http://127.0.0.1:$nginx_port/start.html")
read -r ngp_rps ngp_p99 _ <<<"$ngp"
read -r kp_rps kp_p99 kp_err < <(measure "http://127.0.0.1:$sqlite_port$page")
read -r kp304_rps kp304_p99 _ < <(wrk_header="If-None-Match: $page_etag" measure "http://127.0.0.1:$sqlite_port$page")

# Cold renders over 2,000 meetings: each change through the API raises the change counter, so
# the next GET of a page renders it anew (one client, curl's time_total).
p2000_port=$(start_service "sqlite:$work/pages-2000.db")
p2000_token=$(grep -o 'kal_[A-Za-z0-9_-]*' "$work/serve-$p2000_port.out" | head -1)
make_year_calendar 2000 >"$work/import-pages.ics"
curl -fs -o /dev/null -H "Authorization: Bearer $p2000_token" -H 'Content-Type: text/calendar' \
  --data-binary @"$work/import-pages.ics" "http://127.0.0.1:$p2000_port/api/v1/import?organisation=1&type=fro"
next_year=$(( $(date +%Y) + 1 ))
cold_render() {  # path; prints "median slowest bytes" in ms
  local path=$1 times=() i
  for i in $(seq 1 15); do
    curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $p2000_token" -H 'Content-Type: application/json' \
      -d "{\"description\": \"ändring $i\"}" "http://127.0.0.1:$p2000_port/api/v1/meetings/1"
    times+=("$(curl -fs -o "$work/cold.html" -w '%{time_total}' "http://127.0.0.1:$p2000_port$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v bytes="$(wc -c <"$work/cold.html")" \
    '{a[NR]=$1} END {printf "%.1f %.1f %d\n", a[int((NR+1)/2)]*1000, a[NR]*1000, bytes}'
}
read -r agenda_median agenda_max agenda_bytes < <(cold_render "/")
read -r report_median report_max report_bytes < <(cold_render "/uppfoljning/$next_year")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo ""
  echo "### Pages — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "wrk -t$threads -c$connections -d$duration on loopback; SQLite; build: $build; load average before/after: $load_before / $load_after."
  echo ""
  echo "| target | requests/s | p99 latency (ms) | non-2xx | ratio to nginx |"
  echo "|---|---:|---:|---:|---:|"
  echo "| nginx, the same $page_bytes-byte start page as a static file | $ngp_rps | $ngp_p99 | 0 | 1.00 |"
  echo "| kalendarium, cached start page (demo data) | $kp_rps | $kp_p99 | $kp_err | $(ratio "$kp_rps" "$ngp_rps") |"
  echo "| kalendarium, start page 304 for If-None-Match | $kp304_rps | $kp304_p99 | (all 304) | $(ratio "$kp304_rps" "$ngp_rps") |"
  echo ""
  echo "Cold renders after a change, with 2,000 meetings in the database, 15 times each (curl time_total, one client):" \
       "the start page (the agenda, its first 50 meetings, $agenda_bytes bytes): median $agenda_median ms, slowest $agenda_max ms;" \
       "the report of $next_year (all 2,000 meetings counted, $report_bytes bytes): median $report_median ms, slowest $report_max ms."
} | tee -a "$root/docs/benchmarks.md"
