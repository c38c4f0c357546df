#include "page_cache.hpp"

#include "kal/service/app/feeds.hpp"
#include "kal/service/app/render_cache.hpp"
#include "kal/service/http/conditional.hpp"

namespace kal::service::web {

namespace {

const char* language_code(db::language language) { return language == db::language::en ? "en" : "sv"; }

// The headers a page may carry and still be stored: those of set_page_headers (with the route's
// framing), its type and language. Anything else says the answer is not the same for everyone.
bool cacheable(const response& r, bool may_be_framed) {
    if (r.status != 200) return false;
    response plain;
    set_page_headers(plain, may_be_framed);
    for (const auto& [name, value] : r.headers) {
        if (name == "Content-Type" || name == "Content-Language") continue;
        auto expected = plain.header(name);
        if (!expected || *expected != value) return false;
    }
    return true;
}

// 200 with the stored bytes (from the memory file when there is one), or 304. Browsers may keep
// the page as long as the entry itself is good for.
response page_answer(const app::rendered_answer& a, const request& req, db::language language, bool may_be_framed) {
    response r;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(a.expires - std::chrono::steady_clock::now());
    r.set_header("ETag", a.etag);
    r.set_header("Last-Modified", http::http_date(a.last_modified));
    r.set_header("Cache-Control", "public, max-age=" + std::to_string(std::max<std::int64_t>(0, left.count())));
    r.set_header("Content-Language", language_code(language));
    set_page_headers(r, may_be_framed);
    if (http::not_modified(req, a.etag, a.last_modified)) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", a.content_type);
    r.shared_body = a.body;
    r.body_file = std::static_pointer_cast<const http::body_file>(a.sendable);
    return r;
}

// A signed-in browser (a session cookie) or a request with a token is never answered from the
// shared cache nor stored in it: its page may show what only that person sees.
bool signed_out(const request& req) { return app::may_use_shared_cache(req.header("authorization"), req.header("cookie")); }

}  // namespace

std::string page_cache_key(const request& req, db::language language) {
    // std::multimap keeps the values of one name in the order they came, which is what a page
    // reads (the first one): so "?a=1&a=2" and "?a=2&a=1" stay two entries.
    std::string key = std::string("page ") + language_code(language) + " " + req.path;
    char sep = '?';
    for (const auto& [name, value] : req.query) {
        key += sep + percent_encoded(name) + "=" + percent_encoded(value);
        sep = '&';
    }
    return key;
}

void add_cached_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages,
                     const std::string& pattern, page_handler handler, bool may_be_framed) {
    for (auto language : {db::language::sv, db::language::en}) {
        auto fast = [&ctx, language, may_be_framed](request& req) -> std::optional<response> {
            if (!signed_out(req)) return std::nullopt;
            auto hit = ctx.cache().fresh(page_cache_key(req, language), app::today(ctx.settings, ctx.now()));
            if (!hit) return std::nullopt;
            return page_answer(*hit, req, language, may_be_framed);
        };
        auto slow = [&ctx, pages, handler, language, may_be_framed](request& req) -> response {
            if (!signed_out(req)) return handler(ctx, *pages, req, language);  // as a passed-through answer
            std::optional<response> passed_through;
            auto entry = app::cached_render(
                ctx, page_cache_key(req, language), app::today(ctx.settings, ctx.now()), ctx.settings.site.page_max_age,
                [&]() -> std::optional<app::rendered_answer> {
                    auto r = handler(ctx, *pages, req, language);
                    if (!cacheable(r, may_be_framed)) {
                        passed_through = std::move(r);
                        return std::nullopt;
                    }
                    app::rendered_answer a;
                    a.body = r.shared_body ? r.shared_body : std::make_shared<const std::string>(std::move(r.body));
                    a.content_type = r.header("Content-Type").value_or("text/html; charset=utf-8");
                    a.last_modified = ctx.now();
                    return a;
                });
            if (!entry) return std::move(*passed_through);
            return page_answer(*entry, req, language, may_be_framed);
        };
        const auto path = language == db::language::en ? localised(language, pattern) : pattern;
        routes.add_cached("GET", path, fast, slow);
    }
}

}  // namespace kal::service::web
