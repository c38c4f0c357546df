// Calendar feeds (/feeds/...), the list of public feeds and the holder's feed of a sign-up. A
// cached feed is answered on the I/O thread without touching the database; a miss goes to the
// database pool and is rendered in one snapshot (app/feeds.hpp).

#include "common.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/http/conditional.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

// 304 for a matching If-None-Match (or, without it, an If-Modified-Since not older than
// Last-Modified), else 200 with the body, from the memory file when there is one.
response answer(const app::rendered_answer& a, const request& req, const config::settings& settings) {
    response r;
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.feeds.refresh_interval).count();
    r.set_header("ETag", a.etag);
    r.set_header("Last-Modified", http::http_date(a.last_modified));
    r.set_header("Cache-Control", std::string(a.is_private ? "private" : "public") + ", max-age=" + std::to_string(max_age));
    if (http::not_modified(req, a.etag, a.last_modified)) {
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
    add_public_read(routes, ctx, "/api/v1/feeds", bind(ctx, list_feeds));
}

}  // namespace kal::service::api
