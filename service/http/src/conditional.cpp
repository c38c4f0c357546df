#include "kal/service/http/conditional.hpp"

#include <cstdio>
#include <ctime>

namespace kal::service::http {

std::string http_date(std::int64_t utc) {
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::optional<std::int64_t> parse_http_date(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

// RFC 9110 13.1.2: weak comparison; "*" matches any current representation.
bool etag_matches(const std::string& header, const std::string& etag) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto comma = header.find(',', pos);
        auto item = header.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        auto first = item.find_first_not_of(" \t");
        auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) {
            item = item.substr(first, last - first + 1);
            if (item == "*") return true;
            if (item.starts_with("W/")) item = item.substr(2);
            if (item == etag) return true;
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return false;
}

bool not_modified(const request& req, const std::string& etag, std::int64_t last_modified) {
    if (auto inm = req.header("if-none-match")) return etag_matches(*inm, etag);
    if (auto ims = req.header("if-modified-since"))
        if (auto since = parse_http_date(*ims)) return last_modified <= *since;
    return false;
}

}  // namespace kal::service::http
