// The signed-in user's own account (issue 12 item 2): /konto/sessioner lists the sessions that
// are still usable, ends one (a lost phone) or all of them ("logga ut överallt");
// /konto/nycklar makes, lists and revokes the user's API tokens. The rules are accounts.hpp's.
//
// A new token's secret is shown once, in the answer to the POST that made it (no-store): a
// redirect would need the secret kept somewhere to show it after, and it is kept nowhere.

#include "kal/calendar/time.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

std::string moment(const app::context& ctx, std::int64_t utc, db::language language) {
    return app::moment_text(calendar::to_local(utc, ctx.settings.calendar.default_time_zone), language);
}

db::id_t id_param(const request& req) {
    const auto& text = req.params.at("id");
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos)
        throw app::not_found("No such thing");
    return std::stoll(text);
}

// ---- sessions ---------------------------------------------------------------------------------

response sessions_page(app::context& ctx, const site& pages, request& req, db::language language,
                       const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    for (const auto& v : app::list_sessions(ctx, s.who)) {
        auto& row = d.add("session_row");
        row.set("session_browser", v.session.description.empty() ? t["account.unknown_browser"] : v.session.description)
            .set("session_signed_in", moment(ctx, v.session.created_at, language))
            .set("session_last_seen", moment(ctx, v.session.last_seen_at, language))
            .set("session_end_action",
                 localised(language, "/konto/sessioner/" + std::to_string(v.session.id) + "/avsluta"))
            .set("session_end_label", filled(t["account.end_session_label"],
                                             {{"browser", v.session.description.empty() ? t["account.unknown_browser"]
                                                                                         : v.session.description},
                                              {"when", moment(ctx, v.session.created_at, language)}}));
        row.show(v.current ? "session_current" : "session_other");
    }
    if (req.query_value("avslutad") == "1") d.show("session_ended_notice");
    d.set("everywhere_action", localised(language, "/konto/logga-ut-overallt"));
    page_frame frame;
    frame.language = language;
    frame.path = "/konto/sessioner";
    frame.title = t["account.sessions_title"];
    frame.section = section::organiser_sessions;
    frame.content_template = "account_sessions.html";
    return render_signed_in(pages, frame, d, s);
}

response end_one(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    app::end_session(ctx, s.who, id_param(req));
    return see_other_private(localised(language, "/konto/sessioner") + "?avslutad=1");
}

response end_everywhere(app::context& ctx, const site&, request&, db::language language, const signed_in_request& s) {
    app::sign_out_everywhere(ctx, s.who);
    auto r = see_other_private(localised(language, "/logga-in") + "?utloggad=1");
    r.set_header("Set-Cookie", app::session_cookie_for(ctx.settings.server.public_base_url).clear());
    return r;
}

// ---- API tokens ---------------------------------------------------------------------------------

const std::vector<form_field_place> token_places = {{"name", "nyckel-namn", "token_name"}};

response tokens_page(app::context& ctx, const site& pages, request& req, db::language language,
                     const signed_in_request& s, const std::string& name_value = {},
                     const std::vector<app::field_error>& errors = {}, const std::string& new_secret = {},
                     int status = 200) {
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    bool any = false;
    for (const auto& token : app::list_api_tokens(ctx, s.who)) {
        any = true;
        auto& row = d.add("token_row");
        row.set("token_row_name", token.name).set("token_created", moment(ctx, token.created_at, language));
        row.set("token_last_used", token.last_used_at ? moment(ctx, token.last_used_at, language) : t["account.never"]);
        if (token.revoked_at) {
            row.show("token_revoked").set("token_revoked_at", moment(ctx, *token.revoked_at, language));
        } else {
            row.show("token_active")
                .set("token_revoke_action",
                     localised(language, "/konto/nycklar/" + std::to_string(token.id) + "/aterkalla"))
                .set("token_revoke_label", filled(t["account.revoke_label"], {{"name", token.name}}));
        }
    }
    d.show(any ? "has_tokens" : "no_tokens");
    if (!new_secret.empty()) d.show("token_created_notice").set("token_secret", new_secret);
    if (req.query_value("aterkallad") == "1") d.show("token_revoked_notice");
    d.set("token_create_action", localised(language, "/konto/nycklar"));
    d.set("token_name_value", name_value);
    d.set("api_href", "/api/openapi.json");
    if (!errors.empty()) fill_form_errors(d, errors, language, token_places, "account", "nyckel-namn");
    page_frame frame;
    frame.language = language;
    frame.path = "/konto/nycklar";
    frame.title = (errors.empty() ? std::string() : t["meeting.error_title_prefix"] + " ") + t["account.tokens_title"];
    frame.section = section::organiser_tokens;
    frame.content_template = "account_tokens.html";
    auto r = render_signed_in(pages, frame, d, s, status);
    // The secret is on this page: it goes nowhere else, not even in a Referer.
    if (!new_secret.empty()) r.set_header("Referrer-Policy", "no-referrer");
    return r;
}

response show_tokens(app::context& ctx, const site& pages, request& req, db::language language,
                     const signed_in_request& s) {
    return tokens_page(ctx, pages, req, language, s);
}

response create_token(app::context& ctx, const site& pages, request& req, db::language language,
                      const signed_in_request& s) {
    app::token_input in;
    const auto name = s.form.text("namn").value_or("");
    if (!name.empty()) in.name = name;
    std::string secret;
    if (auto refused = refusal_of([&] { secret = app::create_api_token(ctx, s.who, in).first; }))
        return tokens_page(ctx, pages, req, language, s, name, refused->errors, {}, refused->status);
    return tokens_page(ctx, pages, req, language, s, {}, {}, secret);
}

response revoke_token(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    app::revoke_api_token(ctx, s.who, id_param(req));
    return see_other_private(localised(language, "/konto/nycklar") + "?aterkallad=1");
}

}  // namespace

void add_account_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/konto/sessioner", sessions_page);
    add_signed_in_page(routes, ctx, pages, "POST", "/konto/sessioner/{id}/avsluta", end_one);
    add_signed_in_page(routes, ctx, pages, "POST", "/konto/logga-ut-overallt", end_everywhere);
    add_signed_in_page(routes, ctx, pages, "GET", "/konto/nycklar", show_tokens);
    add_signed_in_page(routes, ctx, pages, "POST", "/konto/nycklar", create_token);
    add_signed_in_page(routes, ctx, pages, "POST", "/konto/nycklar/{id}/aterkalla", revoke_token);
}

}  // namespace kal::service::web
