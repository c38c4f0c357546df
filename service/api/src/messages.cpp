// The mail a meeting caused, as JSON: what was sent to whom and what failed, a resend for failed
// ones, and a meeting's own reminders.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/reminders.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

json::object message_json(const db::outbox_message& m) {
    return json::object{{"id", m.id},
                        {"kind", db::to_text(m.kind)},
                        {"meeting_id", optional_json(m.meeting_id)},  // always set: listed by meeting
                        {"rsvp_id", optional_json(m.rsvp_id)},
                        {"recipient", m.recipient},
                        {"language", db::to_text(m.language)},
                        {"sequence", m.sequence},
                        {"message_id", m.message_id},
                        {"state", db::to_text(m.state)},
                        {"attempts", m.attempts},
                        {"next_attempt_at", m.state == db::message_state::pending ? json::value(utc_text(m.next_attempt_at))
                                                                                   : json::value(nullptr)},
                        {"last_error", m.last_error},
                        {"created_at", utc_text(m.created_at)},
                        {"sent_at", m.sent_at ? json::value(utc_text(*m.sent_at)) : json::value(nullptr)}};
}

json::object reminders_json(const app::meeting_reminders& r) {
    json::array offsets, in_force;
    if (r.own)
        for (auto o : *r.own) offsets.push_back(json::value(app::offset_text(o)));
    for (auto o : r.in_force) in_force.push_back(json::value(app::offset_text(o)));
    return json::object{{"meeting_id", r.meeting.id},
                        {"offsets", r.own ? json::value(std::move(offsets)) : json::value(nullptr)},
                        {"effective", std::move(in_force)}};
}

response list_messages(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    json::array items;
    for (const auto& m : app::messages_of(ctx, credentials_of(req), meeting_id)) items.push_back(message_json(m));
    return no_store(json_ok(200, json::object{{"items", std::move(items)}}));
}

response resend(app::context& ctx, request& req) {
    auto id = path_id(req);
    return no_store(json_ok(200, message_json(app::resend_message(ctx, credentials_of(req), id))));
}

response get_reminders(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    return json_ok(200, reminders_json(app::reminders_of(ctx, credentials_of(req), meeting_id)));
}

response put_reminders(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto creds = credentials_of(req);
    json_body b(req);
    b.only({"offsets"});
    app::reminders_input in;
    in.given = b.has("offsets") || b.unreadable.body;
    if (auto raw = b.raw("offsets"); raw && !raw->is_null()) {
        if (!raw->is_array() || raw->as_array().size() > 10) {
            b.error("offsets", "must be a list of at most 10 offsets such as \"7d\", \"1d\", \"2h\" or \"30m\"");
        } else {
            in.offsets.emplace();
            for (const auto& v : raw->as_array())
                in.offsets->push_back(v.is_string() ? std::string(v.as_string()) : std::string("?"));
        }
    }
    in.unreadable = std::move(b.unreadable);
    return json_ok(200, reminders_json(app::set_reminders(ctx, creds, meeting_id, in)));
}

}  // namespace

void add_message_routes(http::router& routes, app::context& ctx) {
    routes.add("GET", "/api/v1/meetings/{id}/messages", bind(ctx, list_messages));
    routes.add("POST", "/api/v1/messages/{id}/resend", bind(ctx, resend));
    routes.add("GET", "/api/v1/meetings/{id}/reminders", bind(ctx, get_reminders));
    routes.add("PUT", "/api/v1/meetings/{id}/reminders", bind(ctx, put_reminders));
}

}  // namespace kal::service::api
