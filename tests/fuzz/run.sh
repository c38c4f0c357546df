#!/bin/sh
# Builds the libFuzzer targets with clang into build-fuzz/ and runs them on their checked-in
# corpora. Usage, from anywhere:
#   tests/fuzz/run.sh [SECONDS] [TARGET]  fuzz each target (or only TARGET: parse_calendar,
#                                         http_head) for SECONDS (default 600); new inputs go to
#                                         build-fuzz/corpus (parse_calendar) or
#                                         build-fuzz/corpus-http_head
#   tests/fuzz/run.sh merge [TARGET]      add to the checked-in corpus the fewest new inputs
#                                         that cover what it lacks
# Exits non-zero when a fuzzer finds a crash, leak, undefined behaviour, time-out or broken
# invariant; the input is then in build-fuzz/findings/ (parse_calendar) or
# build-fuzz/findings-http_head/.
set -eu

arg="${1:-600}"
case "$arg" in
    merge) ;;
    ''|*[!0-9]*) echo "usage: $0 [SECONDS|merge] [parse_calendar|http_head]" >&2; exit 2 ;;
esac
targets="${2:-parse_calendar http_head}"
for target in $targets; do
    case "$target" in
        parse_calendar|http_head) ;;
        *) echo "unknown target: $target (parse_calendar or http_head)" >&2; exit 2 ;;
    esac
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"

# Debian 12 packages: the compiler, its fuzzer and sanitizer runtimes, and what the code needs.
missing=""
for package in clang-14 libclang-rt-14-dev libical-dev libboost1.81-dev cmake ninja-build; do
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
# shellcheck disable=SC2086  # one word per target
cmake --build "$build" --target $(for t in $targets; do printf '%s_fuzz ' "$t"; done)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

merge_parse_calendar() {
    # The hand-written seeds and regression inputs (*.ics) are always kept; to them are added a
    # small set of other inputs (from earlier merges and from build-fuzz/corpus) that covers
    # every edge they add: greedy set cover over edges, not hit counts (-use_counters=0), and
    # only inputs over 150 bytes, since thousands of tiny inputs each add a single error path
    # and would push the corpus past 200 files.
    corpus="$root/tests/fuzz/corpus"
    merged="$build/corpus-merged"
    candidates="$build/corpus-candidates"
    rm -rf "$merged" "$candidates"
    mkdir -p "$merged" "$candidates"
    cp "$corpus"/*.ics "$merged"/
    find "$corpus" "$build/corpus" -maxdepth 1 -type f ! -name '*.ics' -size +150c -exec cp {} "$candidates"/ \;
    "$build/parse_calendar_fuzz" -set_cover_merge=1 -use_counters=0 -max_len=65536 "$merged" "$candidates"
    find "$corpus" -maxdepth 1 -type f ! -name '*.ics' -delete
    find "$merged" -maxdepth 1 -type f ! -name '*.ics' -exec cp {} "$corpus"/ \;
    echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes"
}

merge_http_head() {
    # The hand-written seeds (*.http) are kept; added is a greedy set cover of the edges (not hit
    # counts) that the other inputs add, which keeps the corpus to a hundred-odd small files.
    corpus="$root/tests/fuzz/corpus_http_head"
    merged="$build/corpus-http_head-merged"
    candidates="$build/corpus-http_head-candidates"
    rm -rf "$merged" "$candidates"
    mkdir -p "$merged" "$candidates"
    cp "$corpus"/*.http "$merged"/
    find "$corpus" "$build/corpus-http_head" -maxdepth 1 -type f ! -name '*.http' -exec cp {} "$candidates"/ \;
    "$build/http_head_fuzz" -set_cover_merge=1 -use_counters=0 -max_len=8192 "$merged" "$candidates"
    find "$corpus" -maxdepth 1 -type f ! -name '*.http' -delete
    find "$merged" -maxdepth 1 -type f ! -name '*.http' -exec cp {} "$corpus"/ \;
    echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes"
}

status=0
for target in $targets; do
    if [ "$arg" = "merge" ]; then
        "merge_$target"
        continue
    fi
    # The first directory receives new inputs; the checked-in corpus is only read.
    case "$target" in
        parse_calendar)
            mkdir -p "$build/corpus" "$build/findings"
            "$build/parse_calendar_fuzz" "$build/corpus" "$root/tests/fuzz/corpus" \
                -dict="$root/tests/fuzz/ical.dict" \
                -max_total_time="$arg" -max_len=32768 -timeout=20 -rss_limit_mb=2560 \
                -artifact_prefix="$build/findings/" -print_final_stats=1 || status=1
            ;;
        http_head)
            mkdir -p "$build/corpus-http_head" "$build/findings-http_head"
            "$build/http_head_fuzz" "$build/corpus-http_head" "$root/tests/fuzz/corpus_http_head" \
                -dict="$root/tests/fuzz/http.dict" \
                -max_total_time="$arg" -max_len=8192 -timeout=20 -rss_limit_mb=2560 \
                -artifact_prefix="$build/findings-http_head/" -print_final_stats=1 || status=1
            ;;
    esac
done
exit $status
