#pragma once
// HTTP as the adapters see it: plain value types, no Beast. message.cpp reads requests with
// Beast's parser (request_reader); server.cpp does the I/O.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kal::service::http {

struct request {
    std::string method;  // upper case
    std::string target;  // as received
    std::string path;    // decoded path without query (for messages and cache keys; may hold a decoded "/")
    std::string raw_path;  // the path as sent, still percent-encoded: the router splits this one
    std::multimap<std::string, std::string> query;  // decoded parameters
    std::map<std::string, std::string> headers;     // lower-case names
    std::string body;
    std::map<std::string, std::string> params;      // from the route pattern: {id} -> "12"
    std::string remote_address;  // the peer of the connection (a proxy, when behind one)

    std::optional<std::string> header(const std::string& lower_name) const;
    std::optional<std::string> query_value(const std::string& name) const;  // the first one
    std::vector<std::string> query_values(const std::string& name) const;
};

// A file descriptor holding a response body, closed when the last owner lets go.
struct body_file {
    int fd = -1;
    std::size_t size = 0;
    body_file() = default;
    body_file(const body_file&) = delete;
    body_file& operator=(const body_file&) = delete;
    ~body_file();
    // The bytes in an anonymous memory file (memfd); nullptr when that is not possible.
    static std::shared_ptr<const body_file> of(const std::string& bytes);
};

struct response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // When set, sent instead of `body` without a copy (a cached answer shared by many requests).
    std::shared_ptr<const std::string> shared_body;
    // Optionally the same bytes as shared_body in a file (a memfd) that the server may send with
    // sendfile(2), without copying them through user space; open while body_file lives.
    std::shared_ptr<const struct body_file> body_file;

    void set_header(std::string name, std::string value);
    std::optional<std::string> header(std::string_view name) const;
};

// Something the server or the router refuses before any handler runs (or instead of one): a
// request that is not HTTP, a path nobody serves, a method the path does not take, too large a
// head or body, a busy database pool. The adapters decide how it reads (see errors_to_answers).
struct refusal {
    int status = 400;            // 400, 404, 405, 413, 431, 503
    std::string detail;          // English, for the log and the answer
    std::vector<std::string> allowed;  // 405: the methods the path has
    int retry_after_seconds = 0;       // 503
    // 400 or 404 for text the router refuses: the query parameter, path parameter or header it
    // concerns (its name, as the route or the client spells it; may itself be malformed).
    std::string field = {};
};

// Limits on one request as it is read (server.header_limit and server.body_limit).
struct request_limits {
    std::size_t head = 16 * 1024;  // the request line and every field line, with their CRLFs
    std::size_t body = 1024 * 1024;
};

// Reads one request from bytes as they arrive, to the letter of RFC 9112: the head within one
// total limit; Transfer-Encoding only as a final "chunked" and never beside Content-Length
// (§6.1, §6.3); exactly one valid Host on HTTP/1.1, at most one on HTTP/1.0 (§3.2); the origin
// and absolute forms for every method, the asterisk form for OPTIONS only, and CONNECT refused
// (§3.2.1-§3.2.4). A failure is a refusal to answer with, after which the connection must close:
// the bytes that follow can no longer be told apart from a next request.
class request_reader {
public:
    explicit request_reader(request_limits limits);
    ~request_reader();
    request_reader(const request_reader&) = delete;
    request_reader& operator=(const request_reader&) = delete;

    // Forgets the last request, for the next one on the same connection.
    void reset();
    // Parses from the front of `bytes`; returns how many were used (the caller drops them and
    // keeps the rest for later: the request's remainder or the next, pipelined request).
    std::size_t put(std::string_view bytes);
    // The head is read and passed every check: the body (if any) comes next.
    bool head_done() const;
    // The whole request is read.
    bool done() const;
    // Why the request cannot be served (400, 405, 413 or 431), or null.
    const refusal* failure() const;
    // Whether any byte of this request has been used.
    bool started() const;
    // The client waits for "100 Continue" before it sends the body (RFC 9110 §10.1.1).
    bool expects_continue() const;
    // After head_done(): whether the connection may carry another request, and the version (10, 11).
    bool keep_alive() const;
    unsigned version() const;
    // "OPTIONS *": a question about the server as a whole, not about a resource.
    bool asks_about_server() const;
    // After done(): the request, with its body. Once.
    request take();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kal::service::http
