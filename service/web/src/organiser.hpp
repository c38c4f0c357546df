#pragma once
// The signed-in pages' machinery (issue 12; private to web/): registering a page that needs a
// session, handing its handler the session's credentials and user, the organisers' frame, and
// the forms of signed-in pages.
//
// - A signed-in page is registered with add_signed_in_page. Without a usable session (no cookie,
//   or one that is ended, idle too long, past its lifetime, of a deactivated user: app::
//   current_user decides), a GET answers 303 to /logga-in?tillbaka=<the page> (a page whose
//   address holds a secret: to /logga-in?vidare=1, the way back in a cookie), a POST 303 to
//   /logga-in. A use case that refuses the user (app::forbidden) becomes the 403 page as
//   everywhere (browser_answers); the page itself checks no right of its own.
// - Every answer of a signed-in page, and every error page on the way, carries
//   Cache-Control: no-store: nothing of a signed-in page is kept by a browser or a cache, and
//   the public page cache never sees one (these routes are add_page's, never add_cached_page's).
// - Forms of signed-in pages carry a token bound to the session (form_token: a hash of the
//   session's secret under a label of its own, so that the page never shows the secret and no
//   other session's page has the same token). A POST is refused (403 page "form-refused", before
//   the handler runs, so nothing is written) unless Sec-Fetch-Site/Origin say that it comes from
//   this site and its token is this session's. The session cookie is SameSite=Lax as well, so a
//   cross-site POST does not even carry it.
// - Signed-in pages render in the organisers' frame (page_frame::organiser): their own
//   navigation, the user's name and a sign-out button instead of the public navigation.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forms.hpp"
#include "kal/db/change_log.hpp"
#include "kal/service/app/access.hpp"
#include "pages.hpp"

namespace kal::service::web {

// What a signed-in page's handler gets besides the request.
struct signed_in_request {
    app::credentials who;  // the session cookie's value, for every use case the page calls
    db::user user;         // the signed-in user as it is now
    std::string csrf;      // the token of this session's forms (the hidden field "csrf")
    // The form of a POST, already checked (same origin, this session's token); empty for a GET.
    forms::form form;
};

using signed_in_handler =
    std::function<response(app::context&, const site&, request&, db::language, const signed_in_request&)>;

// Whether a signed-in page's own address holds a secret (the QR code's check-in link). Without a
// session, such a GET is not sent to /logga-in?tillbaka=<the page>, where the secret would stay in
// the browser's history and in every Referer of the sign-in page: the way back is kept in the
// return cookie (return_cookie_header) and the browser goes to /logga-in?vidare=1.
enum class secret_in_path { no, yes };

// Adds a page that requires a session, in Swedish and under /en as add_page does.
void add_signed_in_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages,
                        const std::string& method, const std::string& pattern, signed_in_handler handler,
                        secret_in_path secret = secret_in_path::no);

// Where the browser goes after signing in, kept between asking for the link and using it (the
// link in the mail cannot carry it): the cookie kal_tillbaka, HttpOnly, SameSite=Lax, Path=/,
// Secure behind https, for 20 minutes; only a path of this site (safe_return_path).
inline constexpr std::string_view return_cookie = "kal_tillbaka";
std::string return_cookie_header(const std::string& path, const config::settings& settings);

// The session cookie's value in a request ("" when there is none).
std::string session_secret_of(const request& req, const config::settings& settings);
// The token of the forms of the session with this secret.
std::string form_token(const std::string& session_secret);

// A page in the organisers' frame: the frame's organiser values (navigation of `current`, the
// user, the sign-out form) are added to `d`, and the answer is no-store.
response render_signed_in(const site& pages, page_frame frame, dictionary& d, const signed_in_request& s,
                          int status = 200);

// 303 to a path (POST–redirect–GET), no-store.
response see_other_private(const std::string& location);

// A path the sign-in may lead back to: one of this site ("/..." but not "//..." or "/\..."), UTF-8
// without controls, spaces or DEL (it goes into a Location header); else "".
std::string safe_return_path(const std::string& wanted);

// ---- forms of the organisers' pages: errors the GOV.UK way ------------------------------------

// Where a field of a use case's input is on a form: the field's name in the use case's errors,
// the id of its input (the summary links to it), and the prefix of its template values
// (<name>_invalid, <name>_error).
struct form_field_place {
    const char* field;
    const char* id;
    const char* name;
};
// The error summary and each field's message: a problem's text is the first of
// <texts>.error_<field>_<code>, <texts>.error_<field>, the use case's own message (English), in
// the page's language where it exists. `fallback_id` is what a problem of no listed field links to.
// Returns each field's first message (for fields drawn by a section of their own).
std::map<std::string, std::string> fill_form_errors(dictionary& d, const std::vector<app::field_error>& errors, db::language language,
                      const std::vector<form_field_place>& places, const std::string& texts_section,
                      const std::string& fallback_id);

// Runs `act`; a validation (422) or conflict (409) error it throws is returned instead (with its
// fields, or one field "form" when it names none); anything else is rethrown.
struct refused_input {
    int status = 422;
    std::string code;
    std::vector<app::field_error> errors;
};
std::optional<refused_input> refusal_of(const std::function<void()>& act);

// The signed-in pages of each part: signing in and out (sign_in.cpp), the account's sessions and
// API tokens (account.cpp), the Översikt and the meeting and series forms (organiser_meetings.cpp).
void add_sign_in_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_overview_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_account_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_meeting_form_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_series_form_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);

// The door (door.cpp, org-people): /arrangor/moten/{id}/incheckning and the QR link /incheckning/{token}.
void add_door_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// The sign-ups of a meeting (sign_up_list.cpp, org-people): /arrangor/moten/{id}/anmalningar.
void add_sign_up_list_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// The change log of a meeting (change_log_page.cpp, org-people): /arrangor/moten/{id}/andringar.
void add_change_log_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// A change log's table (the include change_log_table: the rows cl_entry, cl_has_entries or
// cl_no_entries, the caption), times in `time_zone`: the meeting's page above, and a series' and a
// venue's organiser page (org-dir).
void add_change_log(dictionary& d, const std::vector<db::change_entry>& entries, db::language language,
                    const std::string& time_zone, const std::string& caption);

// Where a meeting or a series is held and its seats (the include where_fields,
// meeting_where_fields.html; meeting_form.cpp): the directory's venues with their capacity and
// accessibility, `venue` checked (none if empty), another place, the online link, the seats. The
// fields' ids start with `id_prefix` (mote, serie).
struct where_values {
    std::string venue, location, online_url, capacity;
};
void add_where_fields(dictionary& d, std::string_view id_prefix, const std::vector<db::venue>& venues,
                      const where_values& values, db::language language);

// The directory's organiser pages (directory_admin.cpp, org-dir): /arrangor/organisationer,
// /arrangor/natverk, /arrangor/lokaler, each a list, a new one and an edit page.
void add_directory_admin_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// The import by upload (import_page.cpp, org-dir): /arrangor/import, its preview and confirmation.
void add_import_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// Users and invitations (users_page.cpp, org-flow): /arrangor/anvandare.
void add_users_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);

}  // namespace kal::service::web
