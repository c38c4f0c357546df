// The HTML adapter's entry points: its routes, and errors as pages for people in a browser.

#include "kal/service/web/web.hpp"

#include <algorithm>
#include <set>

#include "kal/service/app/errors.hpp"
#include "kal/service/app/texts.hpp"
#include "organiser.hpp"
#include "pages.hpp"

namespace kal::service::web {

std::shared_ptr<const site> make_site(const config::settings& settings) { return std::make_shared<const site>(settings); }

void add_routes(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_static_files(routes, pages);
    add_report_pages(routes, ctx, pages);
    add_statement_pages(routes, ctx, pages);
    add_calendar_pages(routes, ctx, pages);
    add_embed_pages(routes, ctx, pages);
    // meetings, signing up, the holder's page
    add_meeting_pages(routes, ctx, pages);
    add_sign_up_pages(routes, ctx, pages);
    add_manage_pages(routes, ctx, pages);
    // the directory's pages, subscribing and the Atom feeds
    add_directory_pages(routes, ctx, pages);
    add_subscribe_page(routes, ctx, pages);
    add_atom_feeds(routes, ctx, pages);
    // the organisers' pages (org-core, issue 12): signing in and out, Översikt
    add_sign_in_pages(routes, ctx, pages);
    add_overview_page(routes, ctx, pages);
    add_account_pages(routes, ctx, pages);
    add_meeting_form_pages(routes, ctx, pages);
    add_series_form_pages(routes, ctx, pages);
    // the door and the sign-ups of a meeting (org-people, issue 12)
    add_door_pages(routes, ctx, pages);
    add_sign_up_list_pages(routes, ctx, pages);
    add_change_log_page(routes, ctx, pages);
    // the directory's organiser pages and the import by upload (org-dir, issue 12)
    add_directory_admin_pages(routes, ctx, pages);
    add_import_pages(routes, ctx, pages);
    add_users_pages(routes, ctx, pages);  // org-flow: users and invitations
}

namespace {

// A person in a browser: a request outside the API and the feeds that accepts HTML.
bool wants_page(const http::request* req) {
    if (!req) return false;
    if (req->path.starts_with("/api/") || req->path.starts_with("/feeds/") || req->path == "/api") return false;
    return req->header("accept").value_or("").find("text/html") != std::string::npos;
}

int status_of(app::error_kind kind) {
    switch (kind) {
    case app::error_kind::bad_request: return 400;
    case app::error_kind::unauthenticated: return 401;
    case app::error_kind::forbidden: return 403;
    case app::error_kind::not_found: return 404;
    case app::error_kind::not_allowed: return 405;
    case app::error_kind::conflict: return 409;
    case app::error_kind::too_large: return 413;
    case app::error_kind::unsupported: return 415;
    case app::error_kind::validation: return 422;
    case app::error_kind::rate_limited: return 429;
    case app::error_kind::unavailable: return 503;
    }
    return 500;
}

http::response error_page(const site& pages, const http::request& req, int status, int retry_after,
                          const std::vector<std::string>& allowed, const std::string& what = {}) {
    const auto language = language_of(req);
    const auto& t = app::texts::of(language);
    // The statuses the texts have words for; any other says what its class says.
    static const std::set<int> worded = {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
    const auto code = std::to_string(worded.count(status) ? status : status < 500 ? 400 : 500);
    dictionary d(&pages.texts(language));
    // An error that says more than its status (a refused form) has words of its own.
    auto own = "error_detail." + what;
    std::replace(own.begin(), own.end(), '-', '_');
    const bool said = !what.empty() && t.has(own + "_title");
    const auto title = said ? t[own + "_title"] : t["errors.title_" + code];
    d.set("error_title", title).set("error_body", said ? t[own] : t["errors.body_" + code]);
    page_frame frame;
    frame.language = language;
    frame.path = language == db::language::en ? req.path.substr(3) : req.path;
    if (frame.path.empty()) frame.path = "/";
    frame.title = title;
    frame.content_template = "error.html";
    if (is_embed_path(req.path)) {
        // An embed that went wrong (a mistyped network in the snippet) says so inside the frame
        // on the association's page, instead of a frame the browser refuses to show.
        frame.layout_template = "embed_layout.html";
        frame.may_be_framed = true;
    }
    auto r = pages.render(frame, d, status);
    r.set_header("Cache-Control", "no-store");
    if (retry_after > 0) r.set_header("Retry-After", std::to_string(retry_after));
    if (!allowed.empty()) {
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        r.set_header("Allow", allow);
    }
    return r;
}

}  // namespace

http::errors_to_answers browser_answers(std::shared_ptr<const site> pages, http::errors_to_answers api) {
    http::errors_to_answers out;
    out.from_exception = [pages, api](const http::request& req, std::exception_ptr thrown) {
        if (!wants_page(&req)) return api.from_exception(req, thrown);
        if (auto e = app::classify(thrown)) {
            auto status = status_of(e->kind);
            if (status == 401) status = 404;  // pages ask for no token; a bad one names nothing here
            return error_page(*pages, req, status, e->retry_after_seconds.value_or(0), e->allowed, e->code);
        }
        api.from_exception(req, thrown);  // logs it (without request data), as for the API
        return error_page(*pages, req, 500, 0, {});
    };
    out.from_refusal = [pages, api](const http::request* req, const http::refusal& r) {
        if (!wants_page(req)) return api.from_refusal(req, r);
        return error_page(*pages, *req, r.status, r.retry_after_seconds, r.allowed);
    };
    return out;
}

}  // namespace kal::service::web
