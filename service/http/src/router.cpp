#include "kal/service/http/router.hpp"

#include <algorithm>

#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>

#include "kal/calendar/utf8.hpp"

namespace kal::service::http {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = path.starts_with('/') ? 1 : 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) {
            out.push_back(path.substr(start));
            break;
        }
        out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

std::optional<std::vector<std::string>> path_segments(std::string_view raw_path) {
    std::vector<std::string> out;
    if (raw_path.starts_with('/')) raw_path.remove_prefix(1);
    for (;;) {
        const auto slash = raw_path.find('/');
        auto encoded = boost::urls::make_pct_string_view(raw_path.substr(0, slash));
        if (!encoded) return std::nullopt;
        const auto decoded = **encoded;
        out.emplace_back(decoded.begin(), decoded.end());
        if (slash == std::string_view::npos) break;
        raw_path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_text(std::string_view s) {
    return s.find('\0') == std::string_view::npos && kal::calendar::utf8::is_valid(s);
}

const std::vector<std::string> headers_read = {
    "authorization",      // api/common.cpp: the bearer token
    "content-type",       // api/json_body.cpp, api/import.cpp
    "accept",             // api/common.cpp: CSV or JSON
    "if-none-match",      // api/feeds.cpp: conditional feed requests
    "if-modified-since",  // api/feeds.cpp
    "x-forwarded-for",    // http/client_address.cpp: the client behind a trusted proxy (rate limits)
};

namespace {

// Why a found route's request cannot be served: the first path parameter, query parameter or
// read header that is not text. The detail names it and never quotes the value.
std::optional<refusal> check_text(const request& req) {
    for (const auto& [name, value] : req.params)
        if (!is_text(value))
            return refusal{404,
                           "Hittades inte: sökvägens " + name + " är ingen giltig text / Not found: the path parameter " +
                               name + " is not UTF-8 text without NUL",
                           {}, 0, name};
    for (const auto& [name, value] : req.query)
        if (!is_text(name) || !is_text(value))
            return refusal{400,
                           "Ogiltig frågeparameter / The query parameter " + name + " is not UTF-8 text without NUL",
                           {}, 0, name};
    for (const auto& name : headers_read)
        if (auto it = req.headers.find(name); it != req.headers.end() && !is_text(it->second))
            return refusal{400, "Ogiltigt huvud / The header " + name + " is not UTF-8 text without NUL", {}, 0, name};
    return std::nullopt;
}

bool match_pattern(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params) {
    if (pattern.size() != path.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto& p = pattern[i];
        // A parameter is a whole segment "{id}" or a segment with a fixed suffix "{slug}.ics".
        auto close = p.find('}');
        if (p.size() > 2 && p.front() == '{' && close != std::string::npos) {
            auto suffix = std::string_view(p).substr(close + 1);
            const auto& segment = path[i];
            if (segment.size() <= suffix.size() || !std::string_view(segment).ends_with(suffix)) return false;
            if (params) (*params)[p.substr(1, close - 1)] = segment.substr(0, segment.size() - suffix.size());
        } else if (p != path[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

void router::add(std::string method, std::string pattern, handler fn, runs_on where) {
    auto segments = split_path(pattern);
    routes_.push_back({std::move(method), std::move(pattern), std::move(fn), where, {}, std::move(segments)});
}

void router::add_cached(std::string method, std::string pattern, fast_handler fast, handler fn) {
    auto segments = split_path(pattern);
    routes_.push_back({std::move(method), std::move(pattern), std::move(fn), runs_on::database_pool, std::move(fast),
                       std::move(segments)});
}

match_result router::match(request& req) const {
    match_result result;
    // Split as sent, then decoded: "%2F" stays inside its segment (RFC 3986 §2.2).
    // (A request made in-process, by a test, may give only its path.)
    auto decoded = path_segments(req.raw_path.empty() ? req.path : req.raw_path);
    if (!decoded) {
        result.refused = refusal{400, "Ogiltig sökväg / A path segment is not valid percent-encoding"};
        return result;
    }
    const auto& segments = *decoded;
    // HEAD is answered by the GET route, without the body (server.cpp drops it).
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    for (const auto& r : routes_) {
        if (!match_pattern(r.segments, segments, nullptr)) continue;
        if (r.method == method) {
            req.params.clear();
            match_pattern(r.segments, segments, &req.params);
            if (auto refused = check_text(req)) result.refused = std::move(refused);
            else result.found = &r;
            return result;
        }
        if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end())
            result.allowed.push_back(r.method);
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), "GET") != result.allowed.end())
        result.allowed.push_back("HEAD");
    return result;
}

}  // namespace kal::service::http
