// Atom feeds (RFC 4287) of the coming meetings of a scope, beside the iCalendar feeds:
// /feeds/all.atom, /feeds/types/{type}.atom, /feeds/networks/{slug}.atom,
// /feeds/organisations/{slug}.atom, /feeds/venues/{slug}.atom. Rendered from atom.xml (escaped
// for XML by the template engine) and kept in the same render cache as the .ics feeds under keys
// of their own (app::upcoming_feed); a cached feed is answered on the I/O thread without the
// database, with ETag, Last-Modified and 304 as the .ics feeds are.
//
// They live here, in the pages' adapter, because what they hold is what the pages show a person,
// in words: titles, when and where in Swedish (app::when_text, listed()), the organiser, links to
// the meeting's and the scope's pages; made by the pages' templates and texts. What they share
// with the .ics feeds is below the adapters: the cache and the snapshot (app/feeds.hpp) and
// conditional requests (http/conditional.hpp). Errors are problem+json, as for every /feeds/ path.

#include <ctime>

#include "kal/service/app/dates.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/texts.hpp"
#include "kal/service/http/conditional.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

using scope = app::feed_request::scope;

// RFC 3339 in UTC, as RFC 4287 section 3.3 wants it: "2026-12-01T09:30:00Z".
std::string rfc3339(std::int64_t utc) {
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

// The page that shows what a feed holds, for its rel="alternate" link, and its .ics twin.
std::string page_of(scope kind, const std::string& value) {
    switch (kind) {
        case scope::type:
            return with_query("/", {{"typ", value}});
        case scope::network:
            return "/natverk/" + value;
        case scope::organisation:
            return "/organisationer/" + value;
        case scope::venue:
            return "/lokaler/" + value;
        default:
            return "/";
    }
}

std::string path_of(scope kind, const std::string& value, const char* extension) {
    switch (kind) {
        case scope::type:
            return "/feeds/types/" + value + extension;
        case scope::network:
            return "/feeds/networks/" + value + extension;
        case scope::organisation:
            return "/feeds/organisations/" + value + extension;
        case scope::venue:
            return "/feeds/venues/" + value + extension;
        default:
            return std::string("/feeds/all") + extension;
    }
}

app::rendered_answer render(const site& pages, const app::upcoming_meetings& feed) {
    // The feeds are in Swedish, as the .ics feeds are.
    constexpr auto language = db::language::sv;
    const auto& settings = pages.settings();
    dictionary d(&pages.texts(language));
    d.set("atom_self", pages.absolute(path_of(feed.kind, feed.value, ".atom")))
        .set("atom_title", settings.feeds.calendar_name + (feed.name.empty() ? "" : " – " + feed.name))
        .set("atom_updated", rfc3339(feed.updated))
        .set("atom_author", settings.site.organisation_name)
        .set("atom_home", pages.absolute("/"))
        .set("atom_page", pages.absolute(page_of(feed.kind, feed.value)))
        .set("atom_calendar", pages.absolute(path_of(feed.kind, feed.value, ".ics")));
    for (const auto& m : feed.meetings) {
        auto shown = listed(m, feed.around, language);
        const auto* organiser = feed.around.organiser_of(m);
        auto& entry = d.add("entry");
        // The meeting's page is its id: stable for as long as the meeting exists, whatever changes.
        entry.set("entry_href", pages.absolute("/moten/" + std::to_string(m.id)))
            .set("entry_title", m.title)
            .set("entry_updated", rfc3339(m.updated_at))
            .set("entry_published", rfc3339(m.created_at))
            .set("entry_author", organiser ? organiser->name : settings.site.organisation_name)
            .set("entry_type", std::string(db::to_text(m.type)))
            .set("entry_type_label", app::label(m.type, language))
            .set("entry_when", app::when_text(m, language));
        if (!shown.place.empty()) entry.show("entry_has_place").set("entry_place", shown.place);
        if (m.status == db::meeting_status::cancelled) entry.show("entry_cancelled");
    }
    app::rendered_answer answer;
    answer.body = std::make_shared<const std::string>(pages.expand("atom.xml", d));
    answer.content_type = "application/atom+xml; charset=utf-8";
    return answer;
}

// 304 when the client has these bytes, else 200 with them (from the memory file when there is
// one); clients may keep them as long as they keep the .ics feeds.
response answer(const app::rendered_answer& a, const request& req, const config::settings& settings) {
    response r;
    const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.feeds.refresh_interval).count();
    r.set_header("ETag", a.etag);
    r.set_header("Last-Modified", http::http_date(a.last_modified));
    r.set_header("Cache-Control", "public, max-age=" + std::to_string(max_age));
    r.set_header("X-Content-Type-Options", "nosniff");
    if (http::not_modified(req, a.etag, a.last_modified)) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", a.content_type);
    r.shared_body = a.body;
    r.body_file = std::static_pointer_cast<const http::body_file>(a.sendable);
    return r;
}

void add_atom(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages, const std::string& pattern,
              scope kind, const char* param) {
    auto request_of = [kind, param](const request& req) {
        app::feed_request f;
        f.as = app::feed_request::format::atom;
        f.kind = kind;
        if (param) f.value = req.params.at(param);
        return f;
    };
    auto fast = [&ctx, request_of](request& req) -> std::optional<response> {
        auto hit = app::cached_feed(ctx, request_of(req));
        if (!hit) return std::nullopt;
        return answer(*hit, req, ctx.settings);
    };
    auto slow = [&ctx, pages, request_of](request& req) {
        auto feed = app::upcoming_feed(ctx, request_of(req),
                                       [&](const app::upcoming_meetings& content) { return render(*pages, content); });
        return answer(*feed, req, ctx.settings);
    };
    routes.add_cached("GET", pattern, fast, slow);
}

}  // namespace

void add_atom_feeds(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_atom(routes, ctx, pages, "/feeds/all.atom", scope::all, nullptr);
    add_atom(routes, ctx, pages, "/feeds/types/{type}.atom", scope::type, "type");
    add_atom(routes, ctx, pages, "/feeds/networks/{slug}.atom", scope::network, "slug");
    add_atom(routes, ctx, pages, "/feeds/organisations/{slug}.atom", scope::organisation, "slug");
    add_atom(routes, ctx, pages, "/feeds/venues/{slug}.atom", scope::venue, "slug");
}

}  // namespace kal::service::web
