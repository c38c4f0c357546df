#pragma once
// What every page that takes a POST shares (private to web/; the sign-up and the holder's page
// use it, and so will the organisers' pages): reading the form a browser sent, and the two checks
// that keep another site from sending one in a visitor's name.
//
// - The body must be application/x-www-form-urlencoded (else 415, nothing read); a body that is
//   not one is 400.
// - Cross-site request forgery, twice over. (1) Same origin: a POST whose Sec-Fetch-Site is not
//   "same-origin" is refused; a browser that sends no Sec-Fetch-Site is held to its Origin (the
//   public base URL's origin, or this request's own Host), and "null" or no Origin then leaves the
//   decision to the token (pages with Referrer-Policy: no-referrer make browsers send
//   "Origin: null" on their own POSTs). (2) Double submit: every page with a form sets a cookie
//   holding a random token (256 bits; HttpOnly, SameSite=Lax, Path=/; with Secure and the
//   __Host- prefix when the public base URL is https) and puts the same token in a hidden field;
//   a POST whose field and cookie differ (compared in constant time) or lack one is refused.
//   Another site can neither read the cookie nor set it for this origin, so it cannot fill the
//   field. A refusal is app::forbidden with the code "form-refused": a 403 page that says what
//   to do, and nothing written.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/service/http/message.hpp"

namespace kal::service::web::forms {

// A file of a multipart/form-data form (an <input type="file">), as the browser sent it.
struct file_part {
    std::string field;         // the input's name
    std::string file_name;     // as the browser named it (no directory); may be empty
    std::string content_type;  // as the browser said it; not to be trusted
    std::string content;       // the bytes, unchecked
};

// A form as sent: its fields decoded ("+" is a space), in order; a name may repeat (checkboxes).
class form {
public:
    // The first value of a field, or nullopt when the form has none.
    std::optional<std::string> value(std::string_view name) const;
    // The value of a text field, trimmed of spaces at both ends; nullopt when missing or empty.
    std::optional<std::string> text(std::string_view name) const;
    // Every value of a field (checked boxes of one name), in order.
    std::vector<std::string> values(std::string_view name) const;
    bool has(std::string_view name) const { return fields_.find(name) != fields_.end(); }

    void add(std::string name, std::string value) { fields_.emplace(std::move(name), std::move(value)); }

    // The files sent under a name (a multipart form's file inputs; none for any other form).
    std::vector<const file_part*> files(std::string_view name) const;
    void add_file(file_part f) { files_.push_back(std::move(f)); }

private:
    std::multimap<std::string, std::string, std::less<>> fields_;
    std::vector<file_part> files_;
};

// The hidden field of every form that carries the token.
inline constexpr std::string_view token_field = "csrf";

// The body of a POST as a form: application/x-www-form-urlencoded, or, with `multipart` (the
// signed-in forms: the import's file input), multipart/form-data (RFC 7578); the public forms
// take the first only. app::error unsupported (415) for any other media type,
// bad_request (400) for a body that is not what its type says. A multipart body needs a boundary
// of 1 to 70 characters (RFC 2046), starts with its first delimiter and ends with the last one;
// every part is "form-data" with a name, its head at most 8 KiB, at most 100 parts; text fields
// must be UTF-8; parts with a filename are files (kept as bytes, for the page to check). The
// whole body is already bounded by server.body_limit.
form read(const http::request& req, bool multipart = false);

// The token for the forms of a page: the one in the visitor's cookie when it has the form this
// site makes, else a new one. The page puts it in each form (token_field) and set_cookie on its
// answer, so that the cookie and the field always agree.
std::string token_for(const http::request& req, const config::settings& settings);
void set_cookie(http::response& r, const std::string& token, const config::settings& settings);
// The cookie's name: "__Host-kal_form" behind an https public base URL, "kal_form" otherwise.
std::string cookie_name(const config::settings& settings);

// Reads the form of a POST and refuses it (app::forbidden, code "form-refused") unless it comes
// from this site's own page: the two checks above. Call it before anything else happens.
form receive(const http::request& req, const config::settings& settings);

// Equal, in a time that depends on the lengths only.
bool same_in_constant_time(std::string_view a, std::string_view b);

// ---- the organisers' signed-in forms (issue 12, organiser.hpp) ---------------------------------

// The value of a cookie of the request, or nullopt.
std::optional<std::string> cookie_value(const http::request& req, std::string_view name);

// Reads the form of a signed-in page's POST (either media type of read) and refuses it (app::forbidden, code "form-refused")
// unless it comes from this site (the same-origin check of receive) and its token field equals
// `expected`, the session's own form token (compared in constant time; an empty `expected`
// refuses every form).
form receive_signed_in(const http::request& req, const config::settings& settings, const std::string& expected);

}  // namespace kal::service::web::forms
