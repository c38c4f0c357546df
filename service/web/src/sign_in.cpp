// Signing in and out (issue 12): /logga-in asks for a link by e-mail and answers the same for
// every address; /logga-in/{link} shows a button whose POST uses the link (mail scanners follow
// GETs, so a GET never signs in) and sets the session cookie as app::session_cookie_for says;
// /logga-ut ends the session. The use cases are accounts.hpp's; the rules (rate limits, single
// use, lifetimes) are theirs.

#include "kal/service/app/accounts.hpp"
#include "kal/service/app/texts.hpp"
#include "kal/service/http/client_address.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

void keep_private(response& r) {
    r.set_header("Cache-Control", "no-store");
    r.set_header("Referrer-Policy", "no-referrer");
}

// "Firefox, Linux": what the list of sessions says about a browser; nothing that identifies it.
std::string browser_description(const std::string& user_agent) {
    auto has = [&](std::string_view s) { return user_agent.find(s) != std::string::npos; };
    std::string browser = has("Edg/")                         ? "Edge"
                          : has("Firefox/")                   ? "Firefox"
                          : has("Chrome/") || has("Chromium") ? "Chrome"
                          : has("Safari/")                    ? "Safari"
                                                              : "";
    std::string system = has("Android")                                 ? "Android"
                         : has("iPhone") || has("iPad")                 ? "iOS"
                         : has("Windows")                               ? "Windows"
                         : has("Mac OS X") || has("Macintosh")          ? "macOS"
                         : has("Linux") || has("X11") || has("CrOS")    ? "Linux"
                                                                        : "";
    if (browser.empty()) return system;
    return system.empty() ? browser : browser + ", " + system;
}

struct sign_in_form {
    std::string email;
    std::vector<app::field_error> errors;
};

const std::vector<form_field_place> sign_in_places = {{"email", "logga-in-epost", "email"}};

response sign_in_page(app::context& ctx, const site& pages, const request& req, db::language language,
                      const sign_in_form* form = nullptr, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto token = forms::token_for(req, ctx.settings);
    dictionary d(&pages.texts(language));
    const bool sent = !form && req.query_value("skickat") == "1";
    if (sent) d.show("sign_in_sent");
    else d.show("sign_in_ask");
    if (!form && req.query_value("utloggad") == "1") d.show("sign_in_signed_out");
    if (!form && (req.query_value("tillbaka") || req.query_value("vidare"))) d.show("sign_in_needed");
    d.set("csrf_token", token);
    d.set("sign_in_action", localised(language, "/logga-in"));
    d.set("sign_in_again_href", localised(language, "/logga-in"));
    d.set("email_value", form ? form->email : "");
    d.set("tillbaka_value", safe_return_path(req.query_value("tillbaka").value_or("")));
    if (form && !form->errors.empty()) fill_form_errors(d, form->errors, language, sign_in_places, "sign_in", "logga-in-epost");
    page_frame frame;
    frame.language = language;
    frame.path = "/logga-in";
    frame.title = (form && !form->errors.empty() ? t["meeting.error_title_prefix"] + " " : std::string()) +
                  t[sent ? "sign_in.sent_title" : "sign_in.title"];
    frame.content_template = "sign_in.html";
    auto answer = pages.render(frame, d, status);
    keep_private(answer);
    forms::set_cookie(answer, token, ctx.settings);
    answer.set_header("Cache-Control", "no-store");
    return answer;
}

response show_sign_in(app::context& ctx, const site& pages, request& req, db::language language) {
    return sign_in_page(ctx, pages, req, language);
}

response ask_for_link(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto f = forms::receive(req, ctx.settings);
    sign_in_form form;
    form.email = f.text("epost").value_or("");
    app::sign_in_request_input in;
    if (!form.email.empty()) in.email = form.email;
    const auto client = http::client_address(req, config::trusted_proxies(ctx.settings));
    if (auto refused = refusal_of([&] { app::request_sign_in_link(ctx, in, client); })) {
        form.errors = refused->errors;
        return sign_in_page(ctx, pages, req, language, &form, refused->status);
    }
    // The same answer whatever the address: a page that says a link is on its way if the
    // address has an account.
    auto r = see_other_private(localised(language, "/logga-in") + "?skickat=1");
    // A way back in the form replaces the cookie's; without one (a page whose address holds a
    // secret set the cookie itself) the cookie stays as it is.
    if (auto back = safe_return_path(f.value("tillbaka").value_or("")); !back.empty())
        r.set_header("Set-Cookie", return_cookie_header(back, ctx.settings));
    return r;
}

const std::string& link_of(const request& req) { return req.params.at("link"); }

// The page behind the link: a button, or (for a link that no longer works) what to do instead.
response link_page(app::context& ctx, const site& pages, const request& req, db::language language, bool usable,
                   int status) {
    const auto& t = app::texts::of(language);
    const auto token = forms::token_for(req, ctx.settings);
    dictionary d(&pages.texts(language));
    d.show(usable ? "link_usable" : "link_unusable");
    d.set("csrf_token", token);
    d.set("link_action", localised(language, "/logga-in/" + percent_encoded(link_of(req))));
    d.set("sign_in_again_href", localised(language, "/logga-in"));
    page_frame frame;
    frame.language = language;
    // The secret stays out of the frame's links (canonical, alternates, the language link).
    frame.path = "/logga-in";
    frame.title = t[usable ? "sign_in.link_title" : "sign_in.unusable_title"];
    frame.content_template = "sign_in_link.html";
    auto answer = pages.render(frame, d, status);
    keep_private(answer);
    if (usable) forms::set_cookie(answer, token, ctx.settings);
    answer.set_header("Cache-Control", "no-store");
    return answer;
}

response show_link(app::context& ctx, const site& pages, request& req, db::language language) {
    const bool usable = app::is_secret(link_of(req), app::secret_kind::sign_in_link) &&
                        app::sign_in_link_is_usable(ctx, link_of(req));
    return link_page(ctx, pages, req, language, usable, usable ? 200 : 404);
}

response use_link(app::context& ctx, const site& pages, request& req, db::language language) {
    forms::receive(req, ctx.settings);
    app::sign_in_details details;
    details.description = browser_description(req.header("user-agent").value_or(""));
    details.previous_session_secret = session_secret_of(req, ctx.settings);
    std::optional<app::signed_in> in;
    try {
        in = app::redeem_sign_in_link(ctx, link_of(req), details);
    } catch (const app::error& e) {
        if (e.kind != app::error_kind::unauthenticated) throw;
        return link_page(ctx, pages, req, language, false, 404);
    }
    auto to = localised(in->user.language, "/arrangor");
    const auto back = forms::cookie_value(req, return_cookie);
    // The cookie is the visitor's to set: only a path of ours that may stand in Location is followed.
    if (back)
        if (auto decoded = percent_decoded(*back))
            if (auto safe = safe_return_path(*decoded); !safe.empty()) to = safe;
    auto r = see_other_private(to);
    keep_private(r);
    const auto cookie = app::session_cookie_for(ctx.settings.server.public_base_url);
    r.headers.emplace_back("Set-Cookie", cookie.set(in->session_secret));
    if (back)
        r.headers.emplace_back("Set-Cookie", std::string(return_cookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
                                                 (cookie.secure ? "; Secure" : ""));
    return r;
}

// Signing out needs the session's form token like every signed-in form; a session that has
// ended meanwhile is simply forgotten (the cookie cleared) without asking for one.
response sign_out(app::context& ctx, const site&, request& req, db::language language) {
    const auto cookie = app::session_cookie_for(ctx.settings.server.public_base_url);
    const auto secret = session_secret_of(req, ctx.settings);
    if (!secret.empty()) {
        forms::receive_signed_in(req, ctx.settings, form_token(secret));
        app::credentials who;
        who.session_secret = secret;
        app::sign_out(ctx, who);
    }
    auto r = see_other_private(localised(language, "/logga-in") + "?utloggad=1");
    r.set_header("Set-Cookie", cookie.clear());
    return r;
}

}  // namespace

void add_sign_in_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/logga-in", show_sign_in);
    add_page(routes, ctx, pages, "POST", "/logga-in", ask_for_link);
    add_page(routes, ctx, pages, "GET", "/logga-in/{link}", show_link);
    add_page(routes, ctx, pages, "POST", "/logga-in/{link}", use_link);
    add_page(routes, ctx, pages, "POST", "/logga-ut", sign_out);
}

}  // namespace kal::service::web
