#include "kal/service/http/message.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>

namespace kal::service::http {

std::optional<std::string> request::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> request::query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> request::query_values(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = query.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

void response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return std::nullopt;
}

// ---- request_reader ----------------------------------------------------------------------

namespace {

namespace beast_http = boost::beast::http;

refusal bad_request(std::string detail) { return {400, std::move(detail), {}, 0}; }
refusal header_too_large(std::size_t limit) {
    return {431, "The request head is larger than " + std::to_string(limit) + " bytes", {}, 0};
}
refusal payload_too_large(std::size_t limit) {
    return {413, "The request body is larger than " + std::to_string(limit) + " bytes", {}, 0};
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

refusal framing_problem(std::string detail) {
    return bad_request("Meddelandets längd går inte att avgöra / The message framing cannot be trusted: " +
                                 std::move(detail));
}

// RFC 9112 §6.1 and §6.3. Only "chunked" is understood, and only as the one, final coding: any
// other list leaves the body's length in doubt (or in a coding this server does not decode), so
// the request is refused before a byte of its body is read. RFC 9112 suggests 501 for a coding
// that is not understood; 400 is answered instead, as the framing is the client's fault and no
// hostile request may end in a 5xx.
using parser_type = beast_http::request_parser<beast_http::string_body>;

std::optional<refusal> check_framing(const parser_type& parser) {
    const auto& msg = parser.get();
    auto codings = msg.equal_range(beast_http::field::transfer_encoding);
    if (codings.first == codings.second) return std::nullopt;
    if (msg.version() < 11) return framing_problem("Transfer-Encoding in an HTTP/1.0 request");
    if (msg.count(beast_http::field::content_length) > 0)
        return framing_problem("both Transfer-Encoding and Content-Length");
    std::vector<std::string_view> names;
    bool parameters = false;
    for (auto it = codings.first; it != codings.second; ++it) {
        // A list may hold empty elements (RFC 9110 §5.6.1); a coding may have parameters.
        std::string_view list = it->value();
        for (;;) {
            const auto comma = list.find(',');
            const auto element = list.substr(0, comma);
            const auto name = trim_ows(element.substr(0, element.find(';')));
            if (!name.empty()) names.push_back(name);
            parameters = parameters || element.find(';') != std::string_view::npos;
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    if (names.empty()) return framing_problem("an empty Transfer-Encoding");
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
        if (iequals(names[i], "chunked")) return framing_problem("chunked is not the final transfer coding");
    }
    if (!iequals(names.back(), "chunked")) return framing_problem("the final transfer coding is not chunked");
    if (names.size() > 1) return framing_problem("transfer codings other than chunked are not supported");
    if (parameters) return framing_problem("chunked takes no parameters");
    // Beast frames the body by its own reading of the field; where the two readings differ,
    // the request is refused rather than framed by either.
    if (!parser.chunked()) return framing_problem("the transfer coding is not understood");
    return std::nullopt;
}

// RFC 9112 §3.2: one Host on HTTP/1.1 (HTTP/1.0 may go without), never two, and a valid
// uri-host [":" port]; empty is allowed (a target URI without authority).
std::optional<refusal> check_host(const parser_type::value_type& msg) {
    auto hosts = msg.count(beast_http::field::host);
    if (hosts > 1) return bad_request("Mer än ett Host-fält / More than one Host field");
    if (hosts == 0) {
        if (msg.version() >= 11) return bad_request("Host saknas / An HTTP/1.1 request needs a Host field");
        return std::nullopt;
    }
    std::string_view host = msg[beast_http::field::host];
    if (host.empty()) return std::nullopt;
    auto authority = boost::urls::parse_authority(host);
    if (!authority || authority->has_userinfo())
        return bad_request("Ogiltigt Host-fält / The Host field is not a valid host[:port]");
    return std::nullopt;
}

bool valid_authority_form(std::string_view target) {
    auto authority = boost::urls::parse_authority(target);
    return authority && !authority->has_userinfo() && authority->has_port() && !authority->port().empty() &&
           !authority->encoded_host().empty();
}

refusal bad_target() {
    return bad_request("Ogiltigt mål / The request target is not a valid origin or absolute form");
}

}  // namespace

struct request_reader::impl {
    request_limits limits;
    std::optional<parser_type> parser;
    std::size_t head_bytes = 0;  // used by the parser so far, while the head is read
    bool head_checked = false;
    bool asterisk = false;
    bool keep_alive = false;
    unsigned version = 11;
    std::optional<refusal> failure;
    request pending;  // what the head's checks parsed out of the target

    void fail(refusal r) { failure = std::move(r); }

    // The request target in one of the forms RFC 9112 §3.2 allows for this method.
    void check_target() {
        const auto& msg = parser->get();
        std::string_view method = msg.method_string();
        std::string_view target = msg.target();
        if (method == "CONNECT") {
            // A tunnel through a proxy; this is an origin server, and host:port is nothing it
            // serves: that "resource" allows no method at all (an empty Allow, RFC 9110 §10.2.1).
            if (!valid_authority_form(target))
                return fail(bad_request("CONNECT tar host:port / CONNECT takes host:port"));
            // An empty list of allowed methods: Allow with no method in it.
            return fail(refusal{405, "Detta är ingen proxy / This server is not a proxy", {}, 0});
        }
        if (target == "*") {
            if (method != "OPTIONS") return fail(bad_target());
            asterisk = true;
            pending.path = pending.raw_path = "*";
            return;
        }
        boost::system::result<boost::urls::url_view> url;
        if (target.starts_with('/')) {
            url = boost::urls::parse_origin_form(target);
            if (!url) return fail(bad_target());
        } else {
            // The absolute form (§3.2.2): an http or https URI with a host; the host in it
            // takes the place of Host, which nothing here reads.
            url = boost::urls::parse_absolute_uri(target);
            if (!url) return fail(bad_target());
            const auto scheme = url->scheme_id();
            // Boost.URL 1.81 takes "http://[::1]j:80/x" for host [::1] and path "j:80/x"; after
            // an authority the path is empty or begins with "/" (RFC 3986 §3.3).
            if ((scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) ||
                !url->has_authority() || url->encoded_host().empty() || url->has_userinfo() ||
                !(url->encoded_path().empty() || url->encoded_path().starts_with('/')))
                return fail(bad_target());
        }
        pending.raw_path = url->encoded_path();
        pending.path = url->path();
        if (pending.raw_path.empty()) pending.raw_path = pending.path = "/";
        for (const auto& p : url->params()) pending.query.emplace(p.key, p.value);
    }

    void check_head() {
        const auto& msg = parser->get();
        if (msg.version() < 10 || msg.version() > 19)
            return fail(bad_request("Bara HTTP/1.x / Only HTTP/1.0 and HTTP/1.1 are spoken here"));
        if (auto p = check_framing(*parser)) return fail(std::move(*p));
        if (auto p = check_host(msg)) return fail(std::move(*p));
        check_target();
        if (failure) return;
        head_checked = true;
        keep_alive = msg.keep_alive();
        version = msg.version();
    }

    std::size_t put_head(std::string_view bytes) {
        // Beast's header_limit bounds only what one put() is left with unparsed: the field
        // lines it has used no longer count, so a head sent in pieces could grow without end.
        // The total is kept here: the parser never sees more than what is left of the limit.
        const std::size_t budget = limits.head - head_bytes;
        if (budget == 0) {
            fail(header_too_large(limits.head));
            return 0;
        }
        const auto slice = bytes.substr(0, budget);
        parser->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(budget, UINT32_MAX)));
        boost::beast::error_code ec;
        const auto used = parser->put(boost::asio::buffer(slice.data(), slice.size()), ec);
        head_bytes += used;
        if (ec == beast_http::error::need_more) {
            // What is left of the limit is there, and the head does not end within it.
            if (slice.size() == budget) fail(header_too_large(limits.head));
        } else if (ec == beast_http::error::header_limit) {
            fail(header_too_large(limits.head));
        } else if (ec == beast_http::error::body_limit) {
            fail(payload_too_large(limits.body));  // Content-Length over the limit
        } else if (ec) {
            fail(bad_request("Ingen giltig HTTP/1.1 / The request is not valid HTTP/1.1 (" + ec.message() + ")"));
        } else if (parser->is_header_done()) {
            check_head();
        }
        return used;
    }

    std::size_t put_body(std::string_view bytes) {
        parser->eager(true);  // every chunk that is there, not one per call
        boost::beast::error_code ec;
        const auto used = parser->put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec == beast_http::error::body_limit) {
            fail(payload_too_large(limits.body));
        } else if (ec && ec != beast_http::error::need_more) {
            fail(bad_request("Ingen giltig HTTP/1.1 / The request body is not valid HTTP/1.1 (" +
                                       ec.message() + ")"));
        }
        return used;
    }
};

request_reader::request_reader(request_limits limits) : impl_(std::make_unique<impl>()) {
    impl_->limits = limits;
    reset();
}

request_reader::~request_reader() = default;

void request_reader::reset() {
    auto& i = *impl_;
    i.parser.emplace();
    i.parser->body_limit(i.limits.body);
    i.head_bytes = 0;
    i.head_checked = false;
    i.asterisk = false;
    i.keep_alive = false;
    i.version = 11;
    i.failure.reset();
    i.pending = {};
}

std::size_t request_reader::put(std::string_view bytes) {
    auto& i = *impl_;
    if (i.failure || bytes.empty() || i.parser->is_done()) return 0;
    if (!i.parser->is_header_done()) return i.put_head(bytes);
    return i.put_body(bytes);
}

bool request_reader::head_done() const { return impl_->head_checked && !impl_->failure; }
bool request_reader::done() const { return head_done() && impl_->parser->is_done(); }
const refusal* request_reader::failure() const { return impl_->failure ? &*impl_->failure : nullptr; }
bool request_reader::started() const { return impl_->parser->got_some(); }

bool request_reader::expects_continue() const {
    if (!head_done() || done()) return false;
    const auto& msg = impl_->parser->get();
    return msg.version() >= 11 && iequals(msg[beast_http::field::expect], "100-continue");
}

bool request_reader::keep_alive() const { return impl_->keep_alive; }
unsigned request_reader::version() const { return impl_->version; }
bool request_reader::asks_about_server() const { return impl_->asterisk; }

request request_reader::take() {
    auto& i = *impl_;
    auto msg = i.parser->release();
    request req = std::move(i.pending);
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
        if (!inserted) it->second += ", " + std::string(field.value());
    }
    req.body = std::move(msg.body());
    return req;
}

body_file::~body_file() {
    if (fd >= 0) ::close(fd);
}

std::shared_ptr<const body_file> body_file::of(const std::string& bytes) {
    int fd = ::memfd_create("kalendarium-body", MFD_CLOEXEC);
    if (fd < 0) return nullptr;
    auto file = std::make_shared<body_file>();
    file->fd = fd;
    file->size = bytes.size();
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return nullptr;  // the descriptor is closed with `file`
        done += static_cast<std::size_t>(n);
    }
    return file;
}

}  // namespace kal::service::http
