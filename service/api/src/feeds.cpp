// Calendar feeds (/feeds/...), the list of public feeds and the holder's feed of a sign-up. A
// cached feed is answered on the I/O thread without touching the database; a miss goes to the
// database pool and is rendered in one snapshot (app/feeds.hpp).

#include <ctime>

#include "common.hpp"
#include "kal/service/app/feeds.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

// "Sun, 06 Nov 1994 08:49:37 GMT" and back (IMF-fixdate only; nullopt otherwise).
std::string format_http_date(std::int64_t utc) {
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

// 304 for a matching If-None-Match (or, without it, an If-Modified-Since not older than
// Last-Modified), else 200 with the body, from the memory file when there is one.
response answer(const app::rendered_answer& a, const request& req, const config::settings& settings) {
    response r;
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.feeds.refresh_interval).count();
    r.set_header("ETag", a.etag);
    r.set_header("Last-Modified", format_http_date(a.last_modified));
    r.set_header("Cache-Control", std::string(a.is_private ? "private" : "public") + ", max-age=" + std::to_string(max_age));
    bool not_modified = false;
    if (auto inm = req.header("if-none-match")) not_modified = etag_matches(*inm, a.etag);
    else if (auto ims = req.header("if-modified-since"))
        if (auto since = parse_http_date(*ims)) not_modified = a.last_modified <= *since;
    if (not_modified) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", a.content_type);
    if (!a.filename.empty()) r.set_header("Content-Disposition", "inline; filename=\"" + a.filename + "\"");
    r.shared_body = a.body;
    r.body_file = std::static_pointer_cast<const http::body_file>(a.sendable);
    return r;
}

app::feed_request feed_request_of(const request& req, app::feed_request::scope kind, const char* param) {
    app::feed_request f;
    f.kind = kind;
    if (param) f.value = req.params.at(param);
    if (kind == app::feed_request::scope::custom) {
        for (const auto& [name, value] : req.query)
            if (name != "type" && name != "network" && name != "organisation" && name != "venue")
                throw app::bad_parameter(name, "unknown parameter; use type, network, organisation or venue");
        f.types = req.query_values("type");
        f.networks = req.query_values("network");
        f.organisations = req.query_values("organisation");
        f.venues = req.query_values("venue");
    }
    return f;
}

// Adds a feed route: the cache on the I/O thread first, else one snapshot on the database pool.
void add_feed(http::router& routes, app::context& ctx, const std::string& pattern, app::feed_request::scope kind,
              const char* param) {
    auto fast = [&ctx, kind, param](request& req) -> std::optional<response> {
        auto hit = app::cached_feed(ctx, feed_request_of(req, kind, param));
        if (!hit) return std::nullopt;
        return answer(*hit, req, ctx.settings);
    };
    auto slow = [&ctx, kind, param](request& req) {
        return answer(*app::calendar_feed(ctx, feed_request_of(req, kind, param)), req, ctx.settings);
    };
    routes.add_cached("GET", pattern, fast, slow);
}

// The holder's feed of their sign-up; small, rendered on every request, its ETag still spares
// clients the body.
response holder_feed(app::context& ctx, request& req) {
    return answer(app::holder_feed(ctx, req.params.at("token")), req, ctx.settings);
}

std::string webcal(const std::string& url) { return "webcal" + url.substr(url.find("://")); }

// The list of public feeds, with https:// (as configured) and webcal:// addresses.
response list_feeds(app::context& ctx, request& req) {
    credentials_of(req);
    json::array feeds;
    for (const auto& f : app::public_feeds(ctx)) {
        auto url = ctx.settings.server.public_base_url + f.path;
        feeds.push_back(json::object{{"kind", f.kind}, {"name", f.name}, {"url", url}, {"webcal_url", webcal(url)}});
    }
    return json_ok(200, json::object{{"items", std::move(feeds)}});
}

}  // namespace

void add_feed_routes(http::router& routes, app::context& ctx) {
    using k = app::feed_request::scope;
    add_feed(routes, ctx, "/feeds/all.ics", k::all, nullptr);
    add_feed(routes, ctx, "/feeds/types/{type}.ics", k::type, "type");
    add_feed(routes, ctx, "/feeds/networks/{slug}.ics", k::network, "slug");
    add_feed(routes, ctx, "/feeds/organisations/{slug}.ics", k::organisation, "slug");
    add_feed(routes, ctx, "/feeds/venues/{slug}.ics", k::venue, "slug");
    add_feed(routes, ctx, "/feeds/meetings/{id}.ics", k::meeting, "id");
    add_feed(routes, ctx, "/feeds/custom.ics", k::custom, nullptr);
    add_feed(routes, ctx, "/feeds/private/{token}.ics", k::private_token, "token");
    routes.add("GET", "/feeds/rsvp/{token}.ics", bind(ctx, holder_feed));
    routes.add("GET", "/api/v1/feeds", bind(ctx, list_feeds));
}

}  // namespace kal::service::api
