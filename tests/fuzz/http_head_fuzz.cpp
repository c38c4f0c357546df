// libFuzzer target for what turns bytes from the wire into a routed request: request_reader
// (Beast's parser with the server's limits, the RFC 9112 checks of framing, Host and target
// form), take(), and the router's split of the raw path into decoded segments. The server's
// read loop is copied here (keep unread bytes, put what is there, drop what was used), and each
// input is read three ways: whole, in 7-byte pieces and one byte at a time. Besides crashes and
// sanitizer reports, it aborts when the contract breaks:
//   - the three ways serve different requests (a limit or a check that depends on how bytes
//     arrive is a hole; see folded() for what may differ);
//   - a head over the limit is accepted, or a body over its limit;
//   - a failure is not 400, 405, 413 or 431, or its detail is not valid UTF-8;
//   - a request framed by Transfer-Encoding is anything but a lone "chunked" without
//     Content-Length, or HTTP/1.1 comes without Host;
//   - the raw path's segments are not its "/"-separated parts, decoded.
// Also built without libFuzzer (replay_main.cpp) so that `make test` replays the corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>


#include "kal/calendar/utf8.hpp"
#include "kal/service/http/message.hpp"
#include "kal/service/http/router.hpp"

namespace {

namespace svc = kal::service::http;

// Small limits, so that short inputs reach them.
constexpr svc::request_limits limits{.head = 1024, .body = 2048};

[[noreturn]] void broken(const char* what) {
    std::fprintf(stderr, "contract broken: %s\n", what);
    std::abort();
}

const svc::router& routes() {
    static const svc::router r = [] {
        svc::router out;
        auto ok = [](svc::request&) { return svc::response{}; };
        out.add("GET", "/healthz", ok, svc::runs_on::io_thread);
        out.add("GET", "/api/v1/meetings/{id}", ok);
        out.add("PATCH", "/api/v1/meetings/{id}", ok);
        out.add("GET", "/feeds/organisations/{slug}.ics", ok);
        return out;
    }();
    return r;
}

// What reading one request came to; equal for every way of cutting the same bytes.
struct outcome {
    int failure = 0;  // the problem's status, or 0
    bool done = false;
    std::size_t used = 0;       // bytes of the input the requests used
    std::size_t head_bytes = 0;  // bytes used when the head was done
    std::string method, target, raw_path, path, body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t query = 0;
    bool keep_alive = false, asks_about_server = false;
    unsigned version = 0;
    bool operator==(const outcome&) const = default;
};

void check_request(const svc::request& req, unsigned version) {
    if (req.raw_path.empty()) broken("a request without a raw path");
    if (req.body.size() > limits.body) broken("a body over the limit was accepted");
    if (version >= 11 && !req.header("host")) broken("HTTP/1.1 without Host was accepted");
    if (auto te = req.header("transfer-encoding")) {
        std::string lower;
        for (char c : *te) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.find("chunked") == std::string::npos || lower.find(',') != std::string::npos)
            broken("a transfer coding other than a lone chunked was accepted");
        if (req.header("content-length")) broken("Transfer-Encoding beside Content-Length was accepted");
    }
    if (req.raw_path == "*") {
        if (req.method != "OPTIONS") broken("the asterisk form for another method than OPTIONS");
        return;
    }
    if (req.raw_path.front() != '/') broken("a raw path that is not absolute");
    // The segments are the raw path's "/"-separated parts, each decoded on its own.
    auto segments = svc::path_segments(req.raw_path);
    if (!segments) return;  // not valid percent-encoding: the server answers 400
    std::size_t slashes = 0;
    for (char c : req.raw_path) slashes += c == '/';
    if (segments->size() != slashes) broken("an encoded slash split a segment");
    svc::request copy = req;
    auto match = routes().match(copy);
    if (match.refused && match.refused->status == 400 && match.refused->field.empty())
        broken("the router refused a path whose segments decode");
    if (match.refused && !kal::calendar::utf8::is_valid(match.refused->detail))
        broken("a refusal's detail is not valid UTF-8");
    if (match.found)
        for (const auto& [name, value] : copy.params)
            if (value.empty()) broken("an empty path parameter");
}

// Reads requests from `input` as the server does, `piece` bytes arriving at a time.
std::vector<outcome> read_all(std::string_view input, std::size_t piece) {
    std::vector<outcome> out;
    svc::request_reader reader(limits);
    std::string unread;  // the server's buffer: arrived, not yet used
    std::size_t arrived = 0, used_now = 0;
    outcome current;
    auto finish_one = [&] {
        current.used = used_now;
        out.push_back(std::move(current));
        current = {};
        used_now = 0;
    };
    for (;;) {
        std::size_t used = 0;
        if (!unread.empty()) {
            const bool had_head = reader.head_done();
            used = reader.put(unread);
            if (used > unread.size()) broken("put used more bytes than it was given");
            unread.erase(0, used);
            used_now += used;
            if (reader.head_done() && !had_head) {
                current.head_bytes = used_now;
                if (!reader.done() && reader.expects_continue() && reader.version() < 11)
                    broken("100-continue for HTTP/1.0");
            }
            if (const auto* p = reader.failure()) {
                current.failure = p->status;
                if (p->status != 400 && p->status != 405 && p->status != 413 && p->status != 431)
                    broken("a failure that is not 400, 405, 413 or 431");
                // The adapters quote the detail in their answer (problem+json, an HTML page).
                if (!kal::calendar::utf8::is_valid(p->detail)) broken("a refusal whose detail is not UTF-8");
                finish_one();
                return out;  // the connection closes: nothing after a failure is read
            }
            if (reader.done()) {
                if (current.head_bytes > limits.head) broken("a head over the limit was accepted");
                current.done = true;
                current.keep_alive = reader.keep_alive();
                current.version = reader.version();
                current.asks_about_server = reader.asks_about_server();
                auto req = reader.take();
                check_request(req, current.version);
                current.method = req.method;
                current.target = req.target;
                current.raw_path = req.raw_path;
                current.path = req.path;
                current.body = req.body;
                current.query = req.query.size();
                current.headers.assign(req.headers.begin(), req.headers.end());
                finish_one();
                reader.reset();
                if (out.size() == 4) return out;  // enough pipelined requests
                continue;
            }
            if (used > 0 && !unread.empty()) continue;
        }
        if (arrived == input.size()) break;  // the client sends nothing more
        const auto n = std::min(piece, input.size() - arrived);
        unread.append(input.substr(arrived, n));
        arrived += n;
    }
    if (reader.started() || used_now > 0) finish_one();  // cut short
    return out;
}

void print(const char* title, const std::vector<outcome>& requests) {
    std::fprintf(stderr, "%s:\n", title);
    for (const auto& r : requests)
        std::fprintf(stderr, "  failure %d done %d used %zu head %zu method %s target %s body %zu headers %zu\n",
                     r.failure, r.done, r.used, r.head_bytes, r.method.c_str(), r.target.c_str(), r.body.size(),
                     r.headers.size());
}

// What must not depend on how the bytes came: which requests are served, each exactly alike, and
// that the rest is not. Whether the rest is refused yet (and with 400 or 431) may differ: Beast
// parses field lines as they come, but once it has had to wait for more, it waits for the end
// of the head (or the limit) before it looks at the lines after, so a bad line in a head that
// has not ended is found at once in one reading and only at the end in another. Either way
// nothing after it is served, and a client that stops there is answered 400 and closed.
std::vector<outcome> folded(std::vector<outcome> requests) {
    for (auto& r : requests)
        if (!r.done) r = outcome{.failure = -1};
    return requests;
}

void same(std::string_view input, const std::vector<outcome>& whole, std::size_t piece, const char* what) {
    const auto pieces = read_all(input, piece);
    if (folded(pieces) == folded(whole)) return;
    print("whole", whole);
    print("in pieces", pieces);
    broken(what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto whole = read_all(input, input.size() + 1);
    same(input, whole, 7, "7-byte pieces read differently from the whole input");
    if (input.size() <= 4096) same(input, whole, 1, "single bytes read differently from the whole input");
    return 0;
}
