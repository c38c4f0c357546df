#!/bin/sh
# Builds the parse_calendar fuzzer with clang into build-fuzz/ and runs it on the checked-in
# corpus. Usage, from anywhere:
#   tests/fuzz/run.sh [SECONDS]   fuzz for SECONDS (default 600); new inputs go to build-fuzz/corpus
#   tests/fuzz/run.sh merge       add to tests/fuzz/corpus the fewest inputs from build-fuzz/corpus
#                                 that cover what it lacks
# Exits non-zero when the fuzzer finds a crash, leak, undefined behaviour, time-out or broken
# invariant; the input is then in build-fuzz/findings/.
set -eu

arg="${1:-600}"
case "$arg" in
    merge) ;;
    ''|*[!0-9]*) echo "usage: $0 [SECONDS|merge]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"
corpus="$root/tests/fuzz/corpus"

# Debian 12 packages: the compiler, its fuzzer and sanitizer runtimes, and what the code needs.
missing=""
for package in clang-14 libclang-rt-14-dev libical-dev cmake ninja-build; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
fi

cmake -S "$root/tests/fuzz" -B "$build" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target parse_calendar_fuzz

fuzzer="$build/parse_calendar_fuzz"
mkdir -p "$build/corpus" "$build/findings"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ "$arg" = "merge" ]; then
    # The hand-written seeds and regression inputs (*.ics) are always kept; to them are added a
    # small set of other inputs (from earlier merges and from build-fuzz/corpus) that covers
    # every edge they add: greedy set cover over edges, not hit counts (-use_counters=0), and
    # only inputs over 150 bytes, since thousands of tiny inputs each add a single error path
    # and would push the corpus past 200 files.
    merged="$build/corpus-merged"
    candidates="$build/corpus-candidates"
    rm -rf "$merged" "$candidates"
    mkdir -p "$merged" "$candidates"
    cp "$corpus"/*.ics "$merged"/
    find "$corpus" "$build/corpus" -maxdepth 1 -type f ! -name '*.ics' -size +150c -exec cp {} "$candidates"/ \;
    "$fuzzer" -set_cover_merge=1 -use_counters=0 -max_len=65536 "$merged" "$candidates"
    find "$corpus" -maxdepth 1 -type f ! -name '*.ics' -delete
    find "$merged" -maxdepth 1 -type f ! -name '*.ics' -exec cp {} "$corpus"/ \;
    echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes"
    exit 0
fi

# The first directory receives new inputs; the checked-in corpus is only read.
exec "$fuzzer" "$build/corpus" "$corpus" \
    -dict="$root/tests/fuzz/ical.dict" \
    -max_total_time="$arg" -max_len=32768 -timeout=20 -rss_limit_mb=2560 \
    -artifact_prefix="$build/findings/" -print_final_stats=1
