#pragma once
// The texts of the e-mails: templates (templating/templates.hpp, over ctemplate) that an operator
// can override.
//
// The files (service/mail/templates/), compiled in; an operator's directory laid out the same way
// (mail.template_dir) replaces any of them file by file, the layouts too:
//   <lang>/<kind>.subject           the subject (plain text)
//   layout.txt, layout.html         the frame of every message: the include "content" is the
//                                   kind's own text, "footer" the language's footer
//   <lang>/<kind>.txt, .html        the kind's own text
//   <lang>/greeting.*, meeting.*, signup.*, cancel.*, footer.*   the parts the kinds share
//   <lang>/account_footer.*         the footer of an account's messages (sign_in, invitation)
// <lang> is sv or en. Variables: template_variables() that hold text, and in .txt and .html also
// `language` ("sv", "en") and `subject` (the rendered subject). Sections: {{#name}} for each of
// template_variables() that is set (a text that is not empty, a flag that is true) and
// {{#no_name}} for each that is not. Includes in .txt and .html: greeting, meeting, signup,
// cancel, footer, and content in the layouts. Anything else in a template stops the service at
// start (check()), as does a template that does not parse or, in .html, a value left unescaped.
// A rendered subject has its line breaks turned into spaces and is trimmed.

#include "kal/service/templating/templates.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kal::service::mail {

using value = std::variant<std::string, bool>;  // text for {{name}}, flags for sections
using context = std::map<std::string, value, std::less<>>;

// confirmed, waitlisted, promoted, meeting_changed, meeting_cancelled, rsvp_cancelled, reminder,
// sign_in, invitation
std::span<const std::string_view> template_kinds();
// The names a context may hold:
//   meeting_title, meeting_when (preformatted local date and time), meeting_where, meeting_url,
//   recipient_name, manage_url, cancel_url, organisation_name (the organiser; for an invitation
//   the invitee's organisations), waitlist_position, the flags time_changed, place_changed
//   (meeting_changed), check_in_code (the message carries the QR code of a check-in link as the
//   inline picture cid:checkin@kalendarium; the kinds that give a seat)
//   (meeting_changed), and for sign_in and invitation sign_in_url (the one-time link),
//   sign_in_page_url (where a new one is asked for), link_lifetime ("15 minuter", "7 days").
std::span<const std::string_view> template_variables();

class templates {
public:
    // override_dir empty: the built-in templates only.
    explicit templates(std::string override_dir = {});

    struct rendered {
        std::string subject, text, html;
    };
    // language "sv" or "en"; anything else is rendered in Swedish. Throws std::invalid_argument
    // for a kind that is not one of template_kinds() or a context name that is not one of
    // template_variables().
    rendered render(std::string_view kind, std::string_view language, const context& ctx) const;

    // The problems of the start check, one line each naming the file (templating::template_set::
    // problems()). Empty when all is well.
    std::vector<std::string> check() const;

private:
    templating::template_set set_;
};

}  // namespace kal::service::mail
