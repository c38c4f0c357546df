// Anonymous GETs of public resources answered from the render cache, as feeds and pages are
// (app/render_cache.hpp): keyed by the normalised request, used while the database's change
// counter stays where it was, answered with ETag, Last-Modified and 304. A request that carries
// credentials (a bearer token or a session cookie) never reads or fills it.

#include "common.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/render_cache.hpp"
#include "kal/service/http/conditional.hpp"

namespace kal::service::api {

namespace {

// A header's value as it selects an answer: lower case, without blanks ("application/json,
// text/csv" and "application/json,text/csv" are one).
std::string normalised_header(const request& req, const std::string& name) {
    std::string out;
    for (char c : req.header(name).value_or(""))
        if (c != ' ' && c != '\t') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// Every byte but letters, digits and -._~ as %XX, so that no name or value can fake a separator.
std::string encoded(const std::string& text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

bool anonymous(const request& req) {
    return app::may_use_shared_cache(req.header("authorization"), req.header("cookie"));
}

// Clients may keep the answer but ask again each time (a 304 costs no body): a write through
// the API is then seen at once by whoever made it. The answer differs with credentials and with
// what the request accepts.
response cached_answer(const app::rendered_answer& a, const request& req) {
    response r;
    r.set_header("ETag", a.etag);
    r.set_header("Last-Modified", http::http_date(a.last_modified));
    r.set_header("Cache-Control", "no-cache");
    r.set_header("Vary", "Accept, Accept-Language, Authorization, Cookie");
    if (http::not_modified(req, a.etag, a.last_modified)) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", a.content_type);
    r.shared_body = a.body;
    r.body_file = std::static_pointer_cast<const http::body_file>(a.sendable);
    return r;
}

}  // namespace

std::string read_cache_key(const request& req) {
    // The path as sent (as the router matches it; a request made in-process may have only the
    // decoded one).
    const auto& path = req.raw_path.empty() ? req.path : req.raw_path;
    std::string key =
        "api " + normalised_header(req, "accept") + " " + normalised_header(req, "accept-language") + " " + path;
    // The names sorted (a multimap), the values of a repeated name in the order they came.
    char sep = '?';
    for (const auto& [name, value] : req.query) {
        key += sep + encoded(name) + "=" + encoded(value);
        sep = '&';
    }
    return key;
}

void add_public_read(http::router& routes, app::context& ctx, const std::string& pattern, http::handler handler) {
    auto fast = [&ctx](request& req) -> std::optional<response> {
        if (!anonymous(req)) return std::nullopt;
        auto hit = ctx.cache().fresh(read_cache_key(req), app::today(ctx.settings, ctx.now()));
        if (!hit) return std::nullopt;
        return cached_answer(*hit, req);
    };
    auto slow = [&ctx, handler](request& req) -> response {
        if (!anonymous(req)) return handler(req);
        std::optional<response> passed_through;
        auto entry = app::cached_render(
            ctx, read_cache_key(req), app::today(ctx.settings, ctx.now()), ctx.settings.site.page_max_age,
            [&]() -> std::optional<app::rendered_answer> {
                auto r = handler(req);
                // Only a plain 200 JSON answer is kept: errors (a draft's 404 among them) and
                // anything with headers of its own pass through.
                if (r.status != 200 || r.headers.size() != 1 || r.headers[0].first != "Content-Type") {
                    passed_through = std::move(r);
                    return std::nullopt;
                }
                app::rendered_answer a;
                a.body = r.shared_body ? r.shared_body : std::make_shared<const std::string>(std::move(r.body));
                a.content_type = r.headers[0].second;
                a.last_modified = ctx.now();
                return a;
            });
        if (!entry) return std::move(*passed_through);
        return cached_answer(*entry, req);
    };
    routes.add_cached("GET", pattern, fast, slow);
}

}  // namespace kal::service::api
