#pragma once
// The texts of the e-mails, as templates an operator can override.
//
// Templates: one directory per language (sv, en), with three files per kind of message:
// <kind>.subject, <kind>.txt and <kind>.html. The defaults (service/templates/mail/) are compiled
// into the binary; an operator's directory laid out the same way (<dir>/<lang>/<kind>.<part>)
// overrides any of them file by file. Files are read once, when `templates` is constructed.
//
// The template language is a small subset of Mustache (https://mustache.github.io/mustache.5.html):
//   {{name}}             the value; HTML-escaped (& < > " ') in .html files, as it is in .subject
//                        and .txt files
//   {{{name}}}           the value, never escaped
//   {{#name}}...{{/name}} the inside when the value is true or a non-empty string
//   {{^name}}...{{/name}} the inside when it is not (false, empty or missing)
//   {{! comment }}       nothing
// A section or comment tag alone on its line takes the whole line with it, as in Mustache.
// Names are [a-z0-9_]; spaces inside the braces are allowed. No partials, lambdas, lists,
// dotted names or delimiter changes. A variable that is not in the context renders empty;
// check() reports every name that is not one of template_variables(), so a typo in an
// operator's template stops the service at start instead of sending odd mail.
// A rendered subject has its line breaks turned into spaces and is trimmed.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kal::service::mail {

using value = std::variant<std::string, bool>;  // text for {{name}}, flags for sections
using context = std::map<std::string, value, std::less<>>;

// confirmed, waitlisted, promoted, meeting_changed, meeting_cancelled, rsvp_cancelled, reminder
std::span<const std::string_view> template_kinds();
// The names templates may use:
//   meeting_title, meeting_when (preformatted local date and time), meeting_where, meeting_url,
//   recipient_name, manage_url, cancel_url, organisation_name (the organiser),
//   waitlist_position, and the flags time_changed, place_changed (meeting_changed).
std::span<const std::string_view> template_variables();

// Renders one template text; `html` selects escaping for {{name}}. Unbalanced sections and
// unclosed tags render as far as they can (check() reports them).
std::string render_template(std::string_view source, const context& ctx, bool html);

class templates {
public:
    // override_dir empty: the embedded defaults only.
    explicit templates(std::string override_dir = {});

    struct rendered {
        std::string subject, text, html;
    };
    // language "sv" or "en"; anything else is rendered in Swedish. Throws std::invalid_argument
    // for a kind that is not one of template_kinds().
    rendered render(std::string_view kind, std::string_view language, const context& ctx) const;

    // Problems, one line each naming the file: unknown variables, unbalanced sections, unclosed
    // tags, malformed UTF-8, files in the override directory that are no template, an override
    // directory that cannot be read. Empty when all is well.
    std::vector<std::string> check() const;

private:
    struct source {
        std::string origin;  // the file it came from, for check()
        std::string text;
    };
    const source& find(std::string_view language, std::string_view kind, std::string_view part) const;

    // "<lang>/<kind>.<part>" -> the text: the operator's where there is one, else the default.
    std::map<std::string, source, std::less<>> sources_;
    std::map<std::string, source, std::less<>> embedded_;
    std::vector<std::string> load_problems_;
};

}  // namespace kal::service::mail
