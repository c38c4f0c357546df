// The page behind the link in every message (issue 5): the sign-up, and a button that cancels it.
// GET never changes anything (mail scanners follow links); the button POSTs.

#include "common.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::api {

namespace {

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

// A small page in Swedish and English (WCAG 2.1 AA: language, title, headings, a real button,
// visible focus, no colour-only meaning). No script.
response page(int status, const std::string& title, const std::string& body_html) {
    response res;
    res.status = status;
    res.body = "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>" + html_escape(title) + " – Överenskommelsen i Borås</title>\n"
               "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
               "line-height:1.5;color:#1a1a1a;background:#fff}button{font-size:1rem;padding:.6rem 1.2rem;"
               "border:2px solid #1a1a1a;background:#fff;color:#1a1a1a;border-radius:.3rem;cursor:pointer}"
               "button:focus{outline:3px solid #005fcc;outline-offset:2px}[lang=en]{color:#333}</style>\n"
               "</head>\n<body>\n<main>\n" + body_html + "</main>\n</body>\n</html>\n";
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");  // the secret in the URL stays here
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    return res;
}

response not_found_page() {
    return page(404, "Anmälan hittades inte",
                "<h1>Anmälan hittades inte</h1>\n<p>Länken är fel, eller anmälan har tagits bort.</p>\n"
                "<p lang=\"en\">Sign-up not found: the link is wrong, or the sign-up has been removed.</p>\n");
}


}  // namespace

void add_sign_up_page_routes(http::router& routes, app::context& ctx) {
    // The page behind the link in every message: the sign-up, and a button that cancels it.
    // GET never changes anything (mail scanners follow links); the button POSTs.
    routes.add("GET", "/rsvp/{token}", [&ctx](request& req) {
        auto held = app::sign_up_of_secret(ctx, req.params.at("token"));
        if (!held) return not_found_page();
        const auto* r = &held->rsvp;
        const auto* m = &held->meeting;
        const auto title = html_escape(m->title);
        const auto when_sv = html_escape(app::when_text(*m, db::language::sv));
        const auto when_en = html_escape(app::when_text(*m, db::language::en));
        std::string status_sv = r->status == db::rsvp_status::confirmed ? "Du har en plats." :
                                r->status == db::rsvp_status::waitlisted ? "Du står på väntelistan, plats " +
                                                                std::to_string(r->waitlist_position.value_or(0)) + "." :
                                                            "Anmälan är avbokad.";
        std::string status_en = r->status == db::rsvp_status::confirmed ? "You have a seat." :
                                r->status == db::rsvp_status::waitlisted ? "You are on the waitlist, place " +
                                                                std::to_string(r->waitlist_position.value_or(0)) + "." :
                                                            "The sign-up is cancelled.";
        std::string body = "<h1>Din anmälan: " + title + "</h1>\n<p>" + when_sv + "</p>\n<p>" + status_sv +
                           "</p>\n<p lang=\"en\">Your sign-up for " + title + ", " + when_en + ". " + status_en + "</p>\n";
        if (r->status != db::rsvp_status::cancelled)
            body += "<form method=\"post\" action=\"/rsvp/" + req.params.at("token") + "/cancel\">\n"
                    "<button type=\"submit\">Avboka min plats <span lang=\"en\">(Cancel my sign-up)</span></button>\n"
                    "</form>\n";
        return page(200, "Din anmälan", body);
    });

    routes.add("POST", "/rsvp/{token}/cancel", [&ctx](request& req) {
        if (!app::sign_up_of_secret(ctx, req.params.at("token"))) return not_found_page();
        app::cancel_sign_up(ctx, req.params.at("token"));
        return page(200, "Avbokad",
                    "<h1>Din anmälan är avbokad</h1>\n<p>Tack för att du meddelade oss. Platsen går vidare till "
                    "nästa på väntelistan.</p>\n<p lang=\"en\">Your sign-up is cancelled. Thank you for letting us "
                    "know: the seat goes to the next on the waitlist.</p>\n");
    });
}

}  // namespace kal::service::api
