// The mail a meeting caused (issue 5): what was sent to whom and what failed, a resend for failed
// ones, a meeting's own reminders, and the page behind the cancel link of every message.

#include <boost/json.hpp>

#include "api_common.hpp"
#include "kal/service/mail_worker.hpp"
#include "kal/service/reminders.hpp"
#include "kal/service/scheduling.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

json::object message_json(const db::outbox_message& m) {
    return json::object{{"id", m.id},
                        {"kind", m.kind},
                        {"meeting_id", m.meeting_id},
                        {"rsvp_id", optional_json(m.rsvp_id)},
                        {"recipient", m.recipient},
                        {"language", m.language},
                        {"sequence", m.sequence},
                        {"message_id", m.message_id},
                        {"state", m.state},
                        {"attempts", m.attempts},
                        {"next_attempt_at", m.state == "pending" ? json::value(utc_text(m.next_attempt_at))
                                                                 : json::value(nullptr)},
                        {"last_error", m.last_error},
                        {"created_at", utc_text(m.created_at)},
                        {"sent_at", m.sent_at ? json::value(utc_text(*m.sent_at)) : json::value(nullptr)}};
}

// "7d", "1d", "2h", "30m" for an offset in seconds (the largest unit that divides it).
std::string offset_text(std::int64_t s) {
    if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 60) + "m";
}

// A meeting's own offsets (or null) and those in force: its own, else its type's (the rule of
// reminder_offsets, which the planner uses).
json::object reminders_json(const config::settings& settings, const db::meeting& m,
                            const std::optional<std::vector<std::int64_t>>& own) {
    db::reminder_candidate c;
    c.type = m.type;
    c.offsets = own;
    json::array offsets, in_force;
    if (own)
        for (auto o : *own) offsets.push_back(json::value(offset_text(o)));
    const auto defaults = config::reminder_defaults(settings);  // outlives the reference below
    for (auto o : reminder_offsets(c, defaults)) in_force.push_back(json::value(offset_text(o)));
    return json::object{{"meeting_id", m.id},
                        {"offsets", own ? json::value(std::move(offsets)) : json::value(nullptr)},
                        {"effective", std::move(in_force)}};
}

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

void register_message_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    const auto& settings = ctx.settings;

    routes.add("GET", "/api/v1/meetings/{id}/messages", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        json::array items;
        for (const auto& m : store.list_messages(meeting_id)) items.push_back(message_json(m));
        auto res = json_ok(200, json::object{{"items", std::move(items)}});
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("POST", "/api/v1/messages/{id}/resend", [&store](request& req) {
        auto who = require_principal(req, store);
        auto id = path_id(req);
        auto msg = store.find_message(id);
        auto m = msg ? store.find_meeting(msg->meeting_id) : std::nullopt;
        if (!msg || !m || !who.may_write_for(m->organisation_id))
            throw problems::not_found("No message " + std::to_string(id));
        if (msg->state != "failed" && msg->state != "skipped")
            throw problems::conflict("Bara misslyckade meddelanden skickas igen / Only failed messages are sent again",
                                     {{"state", "the message is " + msg->state}});
        if (msg->recipient.empty())
            throw problems::conflict("Mottagaren är anonymiserad / The recipient has been anonymised",
                                     {{"recipient", "anonymised"}});
        auto res = json_ok(200, message_json(store.resend_message(id, now_utc())));
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("GET", "/api/v1/meetings/{id}/reminders", [&store, &settings](request& req) {
        auto meeting_id = path_id(req);
        auto who = authenticate(req, store);
        auto m = store.find_meeting(meeting_id);
        if (!m || (m->status == "draft" && !(who && who->may_write_for(m->organisation_id))))
            throw problems::not_found("No meeting " + std::to_string(meeting_id));
        return json_ok(200, reminders_json(settings, *m, store.meeting_reminders(meeting_id)));
    });

    routes.add("PUT", "/api/v1/meetings/{id}/reminders", [&store, &settings](request& req) {
        auto who = require_principal(req, store);
        auto m = organisers_meeting(req, store, who);
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"offsets"});
        if (!f.has("offsets")) f.error("offsets", "is required (a list such as [\"7d\", \"1d\"], or null for the defaults)");
        std::optional<std::vector<std::int64_t>> offsets;
        if (auto raw = f.raw("offsets"); raw && !raw->is_null()) {
            if (!raw->is_array() || raw->as_array().size() > 10) {
                f.error("offsets", "must be a list of at most 10 offsets such as \"7d\", \"1d\", \"2h\" or \"30m\"");
            } else {
                offsets.emplace();
                for (std::size_t i = 0; i < raw->as_array().size(); ++i) {
                    const auto& v = raw->as_array()[i];
                    try {
                        if (!v.is_string()) throw config::config_error("offsets", "not a string");
                        offsets->push_back(config::parse_offset("offsets", std::string(v.as_string())));
                    } catch (const config::config_error&) {
                        f.error("offsets[" + std::to_string(i) + "]", "must be an offset from 1m to 90d such as 7d, 2h or 30m");
                    }
                }
                std::sort(offsets->rbegin(), offsets->rend());
                offsets->erase(std::unique(offsets->begin(), offsets->end()), offsets->end());
            }
        }
        f.throw_if_errors();
        store.set_meeting_reminders(m.id, offsets);
        return json_ok(200, reminders_json(settings, m, offsets));
    });

    // The page behind the link in every message: the sign-up, and a button that cancels it.
    // GET never changes anything (mail scanners follow links); the button POSTs.
    routes.add("GET", "/rsvp/{token}", [&store](request& req) {
        auto r = rsvp_of_secret(store, req.params.at("token"));
        if (!r) return not_found_page();
        auto m = store.find_meeting(r->meeting_id);
        if (!m) return not_found_page();
        const auto title = html_escape(m->title);
        const auto when_sv = html_escape(meeting_when_text(*m, "sv"));
        const auto when_en = html_escape(meeting_when_text(*m, "en"));
        std::string status_sv = r->status == "confirmed" ? "Du har en plats." :
                                r->status == "waitlisted" ? "Du står på väntelistan, plats " +
                                                                std::to_string(r->waitlist_position.value_or(0)) + "." :
                                                            "Anmälan är avbokad.";
        std::string status_en = r->status == "confirmed" ? "You have a seat." :
                                r->status == "waitlisted" ? "You are on the waitlist, place " +
                                                                std::to_string(r->waitlist_position.value_or(0)) + "." :
                                                            "The sign-up is cancelled.";
        std::string body = "<h1>Din anmälan: " + title + "</h1>\n<p>" + when_sv + "</p>\n<p>" + status_sv +
                           "</p>\n<p lang=\"en\">Your sign-up for " + title + ", " + when_en + ". " + status_en + "</p>\n";
        if (r->status != "cancelled")
            body += "<form method=\"post\" action=\"/rsvp/" + req.params.at("token") + "/cancel\">\n"
                    "<button type=\"submit\">Avboka min plats <span lang=\"en\">(Cancel my sign-up)</span></button>\n"
                    "</form>\n";
        return page(200, "Din anmälan", body);
    });

    routes.add("POST", "/rsvp/{token}/cancel", [&store](request& req) {
        auto r = rsvp_of_secret(store, req.params.at("token"));
        if (!r) return not_found_page();
        store.cancel_rsvp(r->id);
        return page(200, "Avbokad",
                    "<h1>Din anmälan är avbokad</h1>\n<p>Tack för att du meddelade oss. Platsen går vidare till "
                    "nästa på väntelistan.</p>\n<p lang=\"en\">Your sign-up is cancelled. Thank you for letting us "
                    "know: the seat goes to the next on the waitlist.</p>\n");
    });
}

}  // namespace kal::service::detail
