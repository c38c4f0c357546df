#include "forms.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

#include "kal/calendar/utf8.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::web::forms {

namespace {

// The token's own prefix, so that no other secret of the service passes for one.
constexpr std::string_view token_kind = "kalc_";

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The value of a cookie of the request, or nullopt.
std::optional<std::string> cookie(const http::request& req, std::string_view name) {
    auto header = req.header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest = *header;
    while (!rest.empty()) {
        auto end = rest.find(';');
        auto pair = trimmed(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
    return std::nullopt;
}

// "https://host[:port]" of an absolute URL, lower-cased; empty when it has none.
std::string origin_of(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || !parsed->has_authority()) return {};
    std::string out = lower(parsed->scheme()) + "://" + lower(parsed->encoded_host());
    if (parsed->has_port()) out += ":" + std::string(parsed->port());
    return out;
}

bool same_origin(const http::request& req, const config::settings& settings) {
    // Browsers of the last years say where a request comes from themselves, whatever the
    // referrer policy: only a page of this origin may send a form here.
    if (auto site = req.header("sec-fetch-site")) return lower(trimmed(*site)) == "same-origin";
    auto origin = req.header("origin");
    if (!origin || trimmed(*origin) == "null") return true;  // the token decides
    auto said = lower(trimmed(*origin));
    if (said == origin_of(settings.server.public_base_url)) return true;
    // Behind a proxy or on a port of its own, the address the browser used is its Host.
    auto host = lower(trimmed(req.header("host").value_or("")));
    return !host.empty() && (said == "http://" + host || said == "https://" + host);
}

[[noreturn]] void refuse(std::string detail) {
    auto e = app::forbidden(std::move(detail));
    e.code = "form-refused";
    throw e;
}

}  // namespace

std::optional<std::string> form::value(std::string_view name) const {
    auto it = fields_.find(name);
    if (it == fields_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> form::text(std::string_view name) const {
    auto v = value(name);
    if (!v) return std::nullopt;
    auto t = trimmed(*v);
    if (t.empty()) return std::nullopt;
    return std::string(t);
}

std::vector<std::string> form::values(std::string_view name) const {
    std::vector<std::string> out;
    auto [from, to] = fields_.equal_range(name);
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    return out;
}

bool same_in_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
    return difference == 0;
}

form read(const http::request& req) {
    auto type = lower(req.header("content-type").value_or(""));
    auto media = trimmed(std::string_view(type).substr(0, type.find(';')));
    if (media != "application/x-www-form-urlencoded")
        throw app::error(app::error_kind::unsupported, "Send the form as application/x-www-form-urlencoded");
    form out;
    if (req.body.empty()) return out;
    if (!boost::urls::parse_query(req.body)) throw app::bad_parameter("body", "is not a form", "malformed");
    boost::urls::encoding_opts plus_is_space;
    plus_is_space.space_as_plus = true;
    for (auto field : boost::urls::params_view(req.body, plus_is_space)) {
        if (field.key.empty() && field.value.empty()) continue;  // "a=1&&b=2"
        if (!calendar::utf8::is_valid(field.key) || !calendar::utf8::is_valid(field.value))
            throw app::bad_parameter("body", "is not UTF-8", "malformed");
        out.add(std::string(field.key), std::string(field.value));
    }
    return out;
}

std::string cookie_name(const config::settings& settings) {
    return settings.server.public_base_url.starts_with("https://") ? "__Host-kal_form" : "kal_form";
}

std::string token_for(const http::request& req, const config::settings& settings) {
    if (auto held = cookie(req, cookie_name(settings)); held && app::is_secret(*held, token_kind)) return *held;
    return app::new_secret(token_kind);
}

void set_cookie(http::response& r, const std::string& token, const config::settings& settings) {
    const bool secure = settings.server.public_base_url.starts_with("https://");
    r.set_header("Set-Cookie",
                 cookie_name(settings) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
    // The answer now carries a visitor's own token: no shared cache may keep it.
    if (!r.header("Cache-Control")) r.set_header("Cache-Control", "private, no-cache");
}

form receive(const http::request& req, const config::settings& settings) {
    if (!same_origin(req, settings)) refuse("The form was not sent from a page of this site");
    auto f = read(req);
    auto held = cookie(req, cookie_name(settings));
    auto sent = f.value(token_field);
    if (!held || !sent || !app::is_secret(*held, token_kind) || !same_in_constant_time(*held, *sent))
        refuse("The form's token is missing or does not match its cookie");
    return f;
}

// ---- the organisers' signed-in forms (issue 12) ------------------------------------------------

std::optional<std::string> cookie_value(const http::request& req, std::string_view name) { return cookie(req, name); }

form receive_signed_in(const http::request& req, const config::settings& settings, const std::string& expected) {
    if (!same_origin(req, settings)) refuse("The form was not sent from a page of this site");
    auto f = read(req);
    auto sent = f.value(token_field);
    if (expected.empty() || !sent || !same_in_constant_time(expected, *sent))
        refuse("The form's token is missing or is not this session's");
    return f;
}

}  // namespace kal::service::web::forms
