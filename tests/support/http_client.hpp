#pragma once
// A small blocking HTTP/1.1 client for the end-to-end tests, on loopback only.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace kal::test {

struct http_result {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string header(const std::string& lower_name) const;
};

using header_map = std::map<std::string, std::string>;

// One keep-alive connection to 127.0.0.1:port. Not thread-safe: one per thread.
class http_client {
public:
    explicit http_client(std::uint16_t port);
    ~http_client();
    http_client(http_client&&) noexcept;
    http_result request(const std::string& method, const std::string& target, const std::string& body = "",
                        const header_map& headers = {});
    http_result get(const std::string& target, const header_map& headers = {}) {
        return request("GET", target, "", headers);
    }
    // For requests that must be in flight at a chosen moment: bytes as they are, then the answer.
    void send_raw(const std::string& bytes);
    http_result receive();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Sends bytes as they are on a new connection and returns the parsed response (status 0 when
// the server closed without answering).
http_result raw_request(std::uint16_t port, const std::string& bytes);

}  // namespace kal::test
