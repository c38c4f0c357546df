#pragma once
// HTTP as the adapters see it: plain value types, no Beast. Only server.cpp speaks Beast.

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
    std::string path;    // decoded path without query
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
};

}  // namespace kal::service::http
