// The signed-in pages' machinery (organiser.hpp): the session from its cookie, the redirect to
// the sign-in page, the session-bound form token, the organisers' frame.

#include "organiser.hpp"

#include <algorithm>

#include "kal/service/app/accounts.hpp"
#include "kal/service/app/texts.hpp"

namespace kal::service::web {

std::string session_secret_of(const request& req, const config::settings& settings) {
    const auto cookie = app::session_cookie_for(settings.server.public_base_url);
    auto value = forms::cookie_value(req, cookie.name);
    // Only what could be a session is passed on; anything else is no session at all.
    if (!value || !app::is_secret(*value, app::secret_kind::session)) return {};
    return *value;
}

std::string form_token(const std::string& session_secret) {
    // A label of its own, so that the token is no hash the database holds (that of the session
    // is hash_secret(secret)): neither can be made from the other.
    return app::hash_secret("kal-form-token:" + session_secret);
}

response see_other_private(const std::string& location) {
    response r;
    r.status = 303;
    r.set_header("Location", location);
    r.set_header("Cache-Control", "no-store");
    return r;
}

std::string safe_return_path(const std::string& wanted) {
    if (wanted.empty() || wanted.front() != '/' || wanted.size() > 1000) return {};
    if (wanted.size() > 1 && (wanted[1] == '/' || wanted[1] == '\\')) return {};
    // No control characters, spaces or DEL, and UTF-8 text: the path goes into a Location header.
    if (std::any_of(wanted.begin(), wanted.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
        return {};
    if (!http::is_text(wanted)) return {};
    return wanted;
}

std::string return_cookie_header(const std::string& path, const config::settings& settings) {
    const bool secure = settings.server.public_base_url.starts_with("https://");
    return std::string(return_cookie) + "=" + percent_encoded(path) + "; Path=/; Max-Age=1200; HttpOnly; SameSite=Lax" +
           (secure ? "; Secure" : "");
}

void add_signed_in_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages,
                        const std::string& method, const std::string& pattern, signed_in_handler handler,
                        secret_in_path secret) {
    add_page(routes, ctx, pages, method, pattern,
             [handler, method, secret](app::context& c, const site& p, request& req, db::language language) {
                 signed_in_request s;
                 s.who.session_secret = session_secret_of(req, c.settings);
                 std::optional<db::user> user;
                 if (!s.who.session_secret.empty()) {
                     try {
                         user = app::current_user(c, s.who);
                     } catch (const app::error& e) {
                         if (e.kind != app::error_kind::unauthenticated) throw;
                     }
                 }
                 if (!user) {
                     // A GET comes back to where it was going after signing in; a form sent with
                     // an ended session is not sent again (nothing of it was written).
                     auto to = localised(language, "/logga-in");
                     const auto back = method == "GET" ? safe_return_path(req.target) : std::string();
                     if (back.empty()) return see_other_private(to);
                     if (secret == secret_in_path::no) return see_other_private(to + "?tillbaka=" + percent_encoded(back));
                     // The secret goes into no other address: the way back waits in the cookie.
                     auto r = see_other_private(to + "?vidare=1");
                     r.set_header("Referrer-Policy", "no-referrer");
                     r.set_header("Set-Cookie", return_cookie_header(back, c.settings));
                     return r;
                 }
                 s.user = std::move(*user);
                 s.csrf = form_token(s.who.session_secret);
                 if (method == "POST") s.form = forms::receive_signed_in(req, c.settings, s.csrf);
                 auto answer = handler(c, p, req, language, s);
                 answer.set_header("Cache-Control", "no-store");
                 return answer;
             });
}

response render_signed_in(const site& pages, page_frame frame, dictionary& d, const signed_in_request& s,
                          int status) {
    frame.organiser = true;
    d.set("org_user_name", s.user.name.empty() ? s.user.email : s.user.name);
    d.set("org_csrf", s.csrf);
    d.set("org_sign_out_action", localised(frame.language, "/logga-ut"));
    auto answer = pages.render(frame, d, status);
    answer.set_header("Cache-Control", "no-store");
    return answer;
}

// ---- errors beside fields ----------------------------------------------------------------------

std::map<std::string, std::string> fill_form_errors(dictionary& d, const std::vector<app::field_error>& errors, db::language language,
                      const std::vector<form_field_place>& places, const std::string& texts_section,
                      const std::string& fallback_id) {
    const auto& t = app::texts::of(language);
    d.show("has_errors");
    d.include("error_summary", "error_summary.html");
    d.set("errors_title", t["organiser.errors_title"]);
    auto place_of = [&](const std::string& field) -> const form_field_place* {
        for (const auto& p : places)
            if (field == p.field) return &p;
        return nullptr;
    };
    auto order = [&](const app::field_error& e) {
        auto* p = place_of(e.field.substr(0, e.field.find('[')));
        return p ? p - places.data() : static_cast<std::ptrdiff_t>(places.size());
    };
    auto sorted = errors;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) { return order(a) < order(b); });
    std::vector<std::string> shown;
    std::map<std::string, std::string> first;
    for (const auto& e : sorted) {
        std::string text;
        // "documents[1].url" reads as its list's message ("documents").
        const auto field_key = texts_section + ".error_" + e.field.substr(0, e.field.find('['));
        if (!e.code.empty() && t.has(field_key + "_" + e.code))
            text = t[field_key + "_" + e.code];
        else if (t.has(field_key))
            text = t[field_key];
        else if (!e.code.empty() && t.has("organiser.error_" + e.code))
            text = t["organiser.error_" + e.code];
        else
            text = t["organiser.error_general"];
        const auto* p = place_of(e.field.substr(0, e.field.find('[')));
        // A problem found twice (by the form and by the use case) is said once.
        if (auto f = first.find(e.field); f != first.end() && f->second == text) continue;
        first.emplace(e.field, text);
        d.add("summary_error").set("summary_target", p ? p->id : fallback_id).set("summary_text", text);
        if (!p || std::find(shown.begin(), shown.end(), e.field) != shown.end()) continue;
        shown.push_back(e.field);
        d.show(std::string(p->name) + "_invalid").set(std::string(p->name) + "_error", text);
    }
    return first;
}

std::optional<refused_input> refusal_of(const std::function<void()>& act) {
    try {
        act();
        return std::nullopt;
    } catch (...) {
        auto e = app::classify(std::current_exception());
        if (!e || (e->kind != app::error_kind::validation && e->kind != app::error_kind::conflict)) throw;
        refused_input out;
        out.status = e->kind == app::error_kind::conflict ? 409 : 422;
        out.code = e->code;
        out.errors = e->fields;
        if (out.errors.empty()) out.errors.push_back({"form", e->what(), e->code});
        return out;
    }
}

}  // namespace kal::service::web
