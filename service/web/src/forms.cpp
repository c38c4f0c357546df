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
constexpr std::string_view token_kind = app::secret_kind::form_token;

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

std::vector<const file_part*> form::files(std::string_view name) const {
    std::vector<const file_part*> out;
    for (const auto& f : files_)
        if (f.field == name) out.push_back(&f);
    return out;
}

namespace {

[[noreturn]] void malformed(const std::string& why) { throw app::bad_parameter("body", why, "malformed"); }

// A parameter of a header value ("multipart/form-data; boundary=x", "form-data; name="a"") by its
// lower-cased name: a token or a quoted string (a backslash quotes the next character). Browsers
// write a '"' of a file name as %22 and a line break as %0A (the HTML standard), so no value ends
// early.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
    std::size_t at = value.find(';');
    while (at != std::string_view::npos && at < value.size()) {
        ++at;
        while (at < value.size() && (value[at] == ' ' || value[at] == '\t')) ++at;
        const auto eq = value.find('=', at);
        if (eq == std::string_view::npos) return std::nullopt;
        const auto key = lower(trimmed(value.substr(at, eq - at)));
        std::string v;
        std::size_t next = eq + 1;
        if (next < value.size() && value[next] == '"') {
            ++next;
            while (next < value.size() && value[next] != '"') {
                if (value[next] == '\\' && next + 1 < value.size()) ++next;
                v += value[next++];
            }
            if (next >= value.size()) return std::nullopt;  // no closing quote
            ++next;
        } else {
            const auto end = value.find(';', next);
            v = std::string(trimmed(value.substr(next, end == std::string_view::npos ? std::string_view::npos : end - next)));
            next = end == std::string_view::npos ? value.size() : end;
        }
        if (key == name) return v;
        at = value.find(';', next);
    }
    return std::nullopt;
}

constexpr std::size_t max_parts = 100;
constexpr std::size_t max_part_head = 8 * 1024;

void read_multipart(const std::string& content_type, const std::string& body, form& out) {
    const auto boundary = header_parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) malformed("has no usable multipart boundary");
    const std::string delimiter = "--" + *boundary;
    const std::string_view all(body);
    // Browsers send no preamble: the body starts with the first delimiter.
    if (!all.starts_with(delimiter)) malformed("does not start with its boundary");
    std::size_t at = delimiter.size();
    for (std::size_t parts = 0;; ++parts) {
        if (all.substr(at).starts_with("--")) return;  // the close delimiter (an epilogue is ignored)
        if (!all.substr(at).starts_with("\r\n")) malformed("has a boundary not followed by a line break");
        if (parts == max_parts) malformed("has too many parts");
        at += 2;
        const auto head_end = all.find("\r\n\r\n", at);
        if (head_end == std::string_view::npos || head_end - at > max_part_head) malformed("has a part without a usable head");
        const auto head = all.substr(at, head_end - at);
        const auto content_start = head_end + 4;
        const auto content_end = all.find("\r\n" + delimiter, content_start);
        if (content_end == std::string_view::npos) malformed("ends before its last boundary");
        // The part's head: Content-Disposition (required) and Content-Type.
        std::optional<std::string> disposition, type;
        std::size_t line_start = 0;
        while (line_start <= head.size()) {
            auto line_end = head.find("\r\n", line_start);
            const auto line = head.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                                           : line_end - line_start);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos) malformed("has a part head line without a name");
            const auto name = lower(trimmed(line.substr(0, colon)));
            const auto value = std::string(trimmed(line.substr(colon + 1)));
            if (name == "content-disposition") disposition = value;
            else if (name == "content-type") type = value;
            if (line_end == std::string_view::npos) break;
            line_start = line_end + 2;
        }
        if (!disposition || lower(trimmed(std::string_view(*disposition).substr(0, disposition->find(';')))) != "form-data")
            malformed("has a part that is not form-data");
        const auto name = header_parameter(*disposition, "name");
        if (!name || name->empty() || !calendar::utf8::is_valid(*name)) malformed("has a part without a name");
        const auto content = all.substr(content_start, content_end - content_start);
        if (auto file_name = header_parameter(*disposition, "filename")) {
            // Only the last part of a path: some browsers of old sent the whole of it.
            auto base = file_name->substr(file_name->find_last_of("/\\") == std::string::npos
                                              ? 0
                                              : file_name->find_last_of("/\\") + 1);
            if (!calendar::utf8::is_valid(base)) base.clear();
            out.add_file({*name, base, type.value_or(""), std::string(content)});
        } else {
            if (!calendar::utf8::is_valid(content)) malformed("is not UTF-8");
            out.add(*name, std::string(content));
        }
        at = content_end + 2 + delimiter.size();
    }
}

}  // namespace

form read(const http::request& req, bool multipart) {
    auto type = lower(req.header("content-type").value_or(""));
    auto media = trimmed(std::string_view(type).substr(0, type.find(';')));
    if (multipart && media == "multipart/form-data") {
        form out;
        // The boundary is case-sensitive: read it from the header as sent.
        read_multipart(req.header("content-type").value_or(""), req.body, out);
        return out;
    }
    if (media != "application/x-www-form-urlencoded")
        throw app::error(app::error_kind::unsupported,
                         multipart ? "Send the form as application/x-www-form-urlencoded or multipart/form-data"
                                   : "Send the form as application/x-www-form-urlencoded");
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
    auto f = read(req, true);
    auto sent = f.value(token_field);
    if (expected.empty() || !sent || !same_in_constant_time(expected, *sent))
        refuse("The form's token is missing or is not this session's");
    return f;
}

}  // namespace kal::service::web::forms
