#pragma once
// Routes a request to a handler by method and path pattern ("/api/v1/meetings/{id}").
// A path that exists with other methods gets 405 with Allow; HEAD is served by GET routes.
// How errors read is not decided here: the adapters give an `answers` (errors_to_answers).

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/service/http/message.hpp"

namespace kal::service::http {

using handler = std::function<response(request&)>;
// Answers from memory on the I/O thread when it can (a cached feed), else nullopt: then the
// route's handler runs on the database pool. Must not block.
using fast_handler = std::function<std::optional<response>(request&)>;

// Where a handler runs: database work blocks, so it goes to the database thread pool.
enum class runs_on { io_thread, database_pool };

struct route {
    std::string method;
    std::string pattern;
    handler fn;
    runs_on where = runs_on::database_pool;
    fast_handler fast;  // optional
    std::vector<std::string> segments = {};  // the pattern split once, when added
};

struct match_result {
    const route* found = nullptr;          // the route, or null
    std::vector<std::string> allowed;      // methods for the path when found is null
    // Set instead of `found` when the request cannot be served as sent: a path segment that is
    // not valid percent-encoding (400); a path parameter (404), query parameter or read header
    // (400) that is not text, i.e. not well-formed UTF-8 or holding a NUL. See check_text().
    std::optional<refusal> refused;
};

// How errors become answers, given by the wiring from the adapters: problem+json for the API
// and feeds, an HTML page for a browser.
struct errors_to_answers {
    // An exception a handler threw (the adapter's error family, or anything unexpected: 500).
    std::function<response(const request&, std::exception_ptr)> from_exception;
    // A refusal by the server or router; `req` is null when the request could not be read.
    std::function<response(const request* req, const refusal&)> from_refusal;
};

class router {
public:
    void add(std::string method, std::string pattern, handler fn, runs_on where = runs_on::database_pool);
    // A database route with a fast path tried first on the I/O thread.
    void add_cached(std::string method, std::string pattern, fast_handler fast, handler fn);
    // Matches req.raw_path, split on "/" before its segments are decoded; fills req.params.
    // Refuses (match_result::refused) a found route's request whose text is not text, so that
    // no handler, statement, answer or log line ever sees malformed UTF-8 or a NUL.
    match_result match(request& req) const;
    const std::vector<route>& routes() const { return routes_; }

private:
    std::vector<route> routes_;
};

// Splits a path into its segments ("/a/b/" -> {"a","b",""}).
std::vector<std::string> split_path(const std::string& path);

// The decoded segments of a path as sent ("/a%2Fb/c" -> {"a/b","c"}): split on "/" first, so an
// encoded slash stays inside its segment; nullopt when a segment is not valid percent-encoding.
std::optional<std::vector<std::string>> path_segments(std::string_view raw_path);

// Whether `s` is text as every layer behind the router may assume: well-formed UTF-8 (RFC 3629)
// without NUL. (PostgreSQL refuses malformed UTF-8 and libpq cuts text at a NUL; SQLite stores
// both; JSON and iCalendar answers cannot carry either.)
bool is_text(std::string_view s);

// The request headers that handlers read (and so may reach the database, an answer or the log);
// the router checks these as text. A handler that reads another header adds it here, unless it
// only compares, hashes or classifies it: ctest layers.headers_read (tests/tools/
// headers_read_check.py) fails on a header read that is in neither list.
extern const std::vector<std::string> headers_read;

}  // namespace kal::service::http
