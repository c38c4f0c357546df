# Sourced by bench/run.sh (its $work, $bin, start_service, nginx on $nginx_port): the memory that
# 1,000 idle keep-alive connections cost the service, beside nginx holding as many in the same
# run (issue 13: under 64 MiB in all). Each connection sends one request, reads the answer and
# stays open; resident memory (VmRSS) of the service, and of nginx's master and workers, is read
# before and after.
idle_count=${BENCH_IDLE_CONNECTIONS:-1000}
ulimit -n 4096 2>/dev/null || true
# One address holds them all here, so its cap (server.max_connections_per_address, 256 by
# default) is raised for this measurement; max_connections stays 1024.
export KALENDARIUM_SERVER_MAX_CONNECTIONS_PER_ADDRESS=$((idle_count + 16))
idle_port=$(start_service "sqlite:$work/idle.db")
unset KALENDARIUM_SERVER_MAX_CONNECTIONS_PER_ADDRESS
idle_pid=$(tail -1 "$work/service.pids")
curl -fs "http://127.0.0.1:$idle_port/api/v1/meetings?limit=50" >/dev/null  # warm: one ordinary request first
read -r s_before s_after s_answered < <(python3 "$root/bench/idle.py" "$idle_port" /healthz "$idle_count" "$idle_pid")
nginx_master=${pids[0]}
nginx_pids=("$nginx_master" $(pgrep -P "$nginx_master"))
echo ok >"$work/www/healthz.txt"  # a small answer, like /healthz
curl -fs "http://127.0.0.1:$nginx_port/healthz.txt" >/dev/null
read -r n_before n_after n_answered < <(python3 "$root/bench/idle.py" "$nginx_port" /healthz.txt "$idle_count" "${nginx_pids[@]}")
mib() { python3 -c "print(f'{$1/1024:.1f}')"; }
per() { python3 -c "print(f'{($2-$1)/$3:.1f}')"; }
{
  echo ""
  echo "### Idle keep-alive connections — $(date -u +%Y-%m-%d) — $machine"
  echo ""
  echo "$idle_count connections from one address, each after one answered request (bench/idle.py), held open" \
       "and idle; resident memory (VmRSS) before and after; the service on SQLite with the demo data" \
       "(server.max_connections_per_address raised to $((idle_count + 16)) for this), nginx with its" \
       "master and $(( ${#nginx_pids[@]} - 1 )) workers; build: $build."
  echo ""
  echo "| target | answered | RSS before (MiB) | RSS with the connections (MiB) | per connection (KiB) |"
  echo "|---|---:|---:|---:|---:|"
  echo "| nginx | $n_answered | $(mib "$n_before") | $(mib "$n_after") | $(per "$n_before" "$n_after" "$idle_count") |"
  echo "| kalendarium | $s_answered | $(mib "$s_before") | $(mib "$s_after") | $(per "$s_before" "$s_after" "$idle_count") |"
} | tee -a "$root/docs/benchmarks.md"
