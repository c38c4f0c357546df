// Boost's assertions in the builds that keep them (Debug, as the asan-ubsan preset is): every
// failed BOOST_ASSERT stops the program, as it would without this file, except one that Boost
// itself has since found wrong. Beast 1.81's chunked-body parser asserts `n >= 5` where three
// bytes are a valid state (a chunk header split across reads; the code after it answers
// need_more correctly). Beast fixed the assertion in boostorg/beast PR #2861 (2024); our HTTP
// reader fuzz corpus reaches it (make test-asan's fuzz.http_head). Release builds define NDEBUG,
// where BOOST_ENABLE_ASSERT_DEBUG_HANDLER turns every BOOST_ASSERT off and this file is empty.
#include <boost/assert.hpp>

#if defined(BOOST_ENABLE_ASSERT_DEBUG_HANDLER) && !defined(NDEBUG)

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

bool known_wrong(std::string_view expr, std::string_view file) {
    return expr == "n >= 5" && file.ends_with("boost/beast/http/impl/basic_parser.ipp");
}

[[noreturn]] void stop(const char* expr, const char* msg, const char* function, const char* file, long line) {
    std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed%s%s\n", file, line, function, expr, msg ? ": " : ".",
                 msg ? msg : "");
    std::abort();
}

}  // namespace

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
    if (known_wrong(expr, file)) return;
    stop(expr, nullptr, function, file, line);
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
    stop(expr, msg, function, file, line);
}

}  // namespace boost

#endif
