#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kal::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string http_result::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

namespace {
http_result convert(http::response<http::string_body>& res) {
    http_result r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
    }
    r.body = std::move(res.body());
    return r;
}
}  // namespace

struct http_client::impl {
    asio::io_context ioc;
    std::uint16_t port;
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    void connect() {
        stream = std::make_unique<beast::tcp_stream>(ioc);
        stream->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        buffer.clear();
    }
};

http_client::http_client(std::uint16_t port) : impl_(std::make_unique<impl>()) { impl_->port = port; }
http_client::~http_client() = default;
http_client::http_client(http_client&&) noexcept = default;

http_result http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                 const header_map& headers) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, "127.0.0.1");
    bool has_type = false;
    for (const auto& [k, v] : headers) {
        req.set(k, v);
        if (k == "Content-Type" || k == "content-type") has_type = true;
    }
    if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    // A keep-alive connection the server closed (idle timeout, shutdown) is reopened once.
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (!impl_->stream) impl_->connect();
            impl_->stream->expires_after(std::chrono::seconds(120));
            http::write(*impl_->stream, req);
            http::response_parser<http::string_body> parser;
            parser.body_limit(64 * 1024 * 1024);
            if (method == "HEAD") parser.skip(true);
            http::read(*impl_->stream, impl_->buffer, parser);
            auto res = parser.release();
            bool keep = res.keep_alive();
            auto r = convert(res);
            if (!keep) impl_->stream.reset();
            return r;
        } catch (const beast::system_error&) {
            impl_->stream.reset();
            if (attempt == 1) throw;
        }
    }
    throw std::logic_error("unreachable");
}

void http_client::send_raw(const std::string& bytes) {
    if (!impl_->stream) impl_->connect();
    impl_->stream->expires_after(std::chrono::seconds(120));
    asio::write(*impl_->stream, asio::buffer(bytes));
}

http_result http_client::receive() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    impl_->stream->expires_after(std::chrono::seconds(120));
    http::read(*impl_->stream, impl_->buffer, parser);
    auto res = parser.release();
    auto r = convert(res);
    if (!res.keep_alive()) impl_->stream.reset();
    return r;
}

http_result raw_request(std::uint16_t port, const std::string& bytes) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.expires_after(std::chrono::seconds(30));
    beast::error_code ec;
    asio::write(stream, asio::buffer(bytes), ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    http::read(stream, buffer, parser, ec);
    if (ec && !parser.is_header_done()) return {};
    auto res = parser.release();
    return convert(res);
}

}  // namespace kal::test
