#pragma once
// What the meeting page, the sign-up and the holder's page share (private to web/): the sign-up
// form as it was sent, its errors in the page's language, the needs a form ticks, and a
// meeting's place and "add to calendar" links.

#include <optional>
#include <string>
#include <vector>

#include "kal/service/app/errors.hpp"
#include "pages.hpp"

namespace kal::service::web {

// The sign-up form as a person filled it in, to show it again with its errors.
struct sign_up_form {
    std::string name, email, organisation, party_size, other;
    bool interpreter = false, hearing_loop = false, food = false;
    std::string language;  // "sv" | "en"; empty: the page's
    bool consent = false;
    std::vector<app::field_error> errors;
};

// The meeting page (/moten/{id}); with `form` it shows that form again with its errors.
response meeting_page(app::context& ctx, const site& pages, const request& req, db::language language,
                      db::id_t meeting_id, const sign_up_form* form = nullptr, int status = 200);

// ---- the needs a form ticks --------------------------------------------------------------------

// The ticked needs and the free text as the sign-up's needs: one line per ticked need, in
// Swedish (the organisers read them), then the free text.
std::string needs_text(bool interpreter, bool hearing_loop, bool food, const std::string& other);
// The other way, for a form that shows a sign-up's needs: leading lines that name a need (in
// either language) are ticks, the rest is the free text.
void read_needs(const std::string& needs, sign_up_form& into);

// ---- errors beside fields ----------------------------------------------------------------------

// Each problem as the page says it: the error summary (linking to its field) and the message
// above the field (<field>_invalid, <field>_error). The first problem of a field is the one shown.
void fill_field_errors(dictionary& d, const std::vector<app::field_error>& errors, db::language language);

// A number typed into a form: nullopt when empty; `unreadable` gets a problem when it is not one.
std::optional<std::int64_t> read_count(const std::string& text, const char* field, app::unreadable_input& unreadable);

// ---- a meeting's place and its "add to calendar" links -----------------------------------------

// "Kulturhuset, P A Halls Terrass 1", the free-text location, or "Digitalt möte".
std::string place_text(const db::meeting& m, const std::optional<db::venue>& venue, db::language language);
// ics_href, google_href, outlook_href for calendar_links.html.
void fill_calendar_links(dictionary& d, const site& pages, const db::meeting& m, const std::string& where,
                         db::language language);

// `text` shortened (with "…") so that the page's <title>, "text – service name", stays within
// the 70 characters that search engines show (html-validate's long-title rule counts the
// characters of the escaped source, in UTF-16 units).
std::string page_title(const site& pages, db::language language, const std::string& text);

// "{name}" in `text` replaced by `value`, for every pair.
std::string filled(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace kal::service::web
