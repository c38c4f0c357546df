#!/bin/sh
# Builds the libFuzzer targets with clang into build-fuzz/ and runs them on their checked-in
# corpora. Usage, from anywhere:
#   tests/fuzz/run.sh [SECONDS] [TARGET]  fuzz each target (or only TARGET: parse_calendar,
#                                         http_head, api_request) for SECONDS (default 600); new
#                                         inputs go to build-fuzz/corpus (parse_calendar) or
#                                         build-fuzz/corpus-<target>
#   tests/fuzz/run.sh merge [TARGET]      add to the checked-in corpus the fewest new inputs
#                                         that cover what it lacks
# Exits non-zero when a fuzzer finds a crash, leak, undefined behaviour, time-out or broken
# invariant; the input is then in build-fuzz/findings/ (parse_calendar) or
# build-fuzz/findings-http_head/.
set -eu

arg="${1:-600}"
case "$arg" in
    merge) ;;
    ''|*[!0-9]*) echo "usage: $0 [SECONDS|merge] [parse_calendar|http_head|api_request]" >&2; exit 2 ;;
esac
targets="${2:-parse_calendar http_head api_request}"
for target in $targets; do
    case "$target" in
        parse_calendar|http_head|api_request) ;;
        *) echo "unknown target: $target (parse_calendar, http_head or api_request)" >&2; exit 2 ;;
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

small_targets=$(for t in $targets; do [ "$t" = api_request ] || printf '%s_fuzz ' "$t"; done)
if [ -n "$small_targets" ]; then
    cmake -S "$root/tests/fuzz" -B "$build" -G Ninja \
        -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    # shellcheck disable=SC2086  # one word per target
    cmake --build "$build" --target $small_targets
fi
case " $targets " in
    *" api_request "*)
        # The whole service, instrumented: the main project with clang into build-fuzz-api/.
        # (Its dependencies are the ordinary build's: deploy/install-deps.sh build.)
        cmake -S "$root" -B "$root/build-fuzz-api" -G Ninja \
            -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DKAL_BUILD_TESTS=OFF -DKAL_FUZZ_TARGETS=ON \
            -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
            -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
        cmake --build "$root/build-fuzz-api" --target api_request_fuzz
        ;;
esac

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

merge_api_request() {
    # The hand-written seeds (*.req, one per operation of docs/openapi.json and a few hostile
    # ones) are kept; added is a greedy set cover of the edges the other inputs add.
    corpus="$root/tests/fuzz/corpus_api_request"
    merged="$build/corpus-api_request-merged"
    candidates="$build/corpus-api_request-candidates"
    rm -rf "$merged" "$candidates"
    mkdir -p "$merged" "$candidates"
    cp "$corpus"/*.req "$merged"/
    find "$corpus" "$build/corpus-api_request" -maxdepth 1 -type f ! -name '*.req' -exec cp {} "$candidates"/ \;
    ASAN_OPTIONS="detect_leaks=0" "$root/build-fuzz-api/bin/api_request_fuzz" -set_cover_merge=1 -use_counters=0 \
        -max_len=8192 "$merged" "$candidates"
    find "$corpus" -maxdepth 1 -type f ! -name '*.req' -delete
    find "$merged" -maxdepth 1 -type f ! -name '*.req' -exec cp {} "$corpus"/ \;
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
        api_request)
            # Leaks are not findings here: the service and its database live for the process.
            mkdir -p "$build/corpus-api_request" "$build/findings-api_request"
            ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1" \
            "$root/build-fuzz-api/bin/api_request_fuzz" "$build/corpus-api_request" "$root/tests/fuzz/corpus_api_request" \
                -max_total_time="$arg" -max_len=8192 -timeout=20 -rss_limit_mb=2560 \
                -artifact_prefix="$build/findings-api_request/" -print_final_stats=1 || status=1
            ;;
    esac
done
exit $status
