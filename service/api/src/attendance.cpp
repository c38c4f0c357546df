// Attendance as JSON: check-ins at the door, the counts of a meeting, and an admin's export and
// erasure of what is held about one e-mail address.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/attendance.hpp"

namespace kal::service::api {
namespace json = boost::json;

json::object rsvp_json(const db::rsvp& r);  // sign_ups.cpp

namespace {

json::object checkin_json(const db::checkin& c) {
    return json::object{{"id", c.id},
                        {"meeting_id", c.meeting_id},
                        {"rsvp_id", optional_json(c.rsvp_id)},
                        {"walk_in", !c.rsvp_id.has_value()},
                        {"name", c.name},
                        {"organisation_id", optional_json(c.organisation_id)},
                        {"organisation_name", c.organisation_name},
                        {"people", c.people},
                        {"created_at", utc_text(c.created_at)}};
}

json::object count_json(const db::head_count& h) { return json::object{{"count", h.entries}, {"people", h.people}}; }

json::object attendance_json(const db::meeting_attendance& a) {
    json::array organisations;
    for (const auto& o : a.organisations)
        organisations.push_back(json::object{{"organisation_id", optional_json(o.organisation_id)},
                                             {"name", o.name},
                                             {"signed_up_people", o.signed_up.people},
                                             {"attended_people", o.attended.people}});
    db::head_count signed_up{a.confirmed.entries + a.waitlisted.entries, a.confirmed.people + a.waitlisted.people};
    return json::object{{"meeting_id", a.meeting_id},
                        {"capacity", optional_json(a.capacity)},
                        {"overbooked", a.capacity && a.confirmed.people > *a.capacity},
                        {"signed_up", count_json(signed_up)},
                        {"confirmed", count_json(a.confirmed)},
                        {"waitlisted", count_json(a.waitlisted)},
                        {"cancelled", count_json(a.cancelled)},
                        {"attended", count_json(a.checked_in)},
                        {"walk_ins", count_json(a.walk_ins)},
                        {"no_shows", count_json(a.no_shows)},
                        {"organisations", std::move(organisations)}};
}

app::check_in_input check_in_input_of(const request& req) {
    json_body b(req);
    b.only({"rsvp", "name", "organisation", "party_size"});
    app::check_in_input in;
    in.rsvp_id = b.integer("rsvp");
    in.name = b.text("name");
    if (auto raw = b.raw("organisation"); raw && !raw->is_null()) {
        if (raw->is_int64()) in.organisation_id = raw->get_int64();
        else if (raw->is_string()) in.organisation_name = std::string(raw->get_string());
        else b.error("organisation", "must be an organisation id or a name");
    }
    in.party_size = b.integer("party_size");
    in.unreadable = std::move(b.unreadable);
    return in;
}

// A sign-up ({"rsvp": id}) or a walk-in ({"name", "organisation"}) is present. The same person
// twice, from any number of devices at once, is one check-in: 201 the first time, 200 with the
// existing one after.
response check_in(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto creds = credentials_of(req);
    auto result = app::check_in(ctx, creds, meeting_id, check_in_input_of(req));
    return no_store(json_ok(result.created ? 201 : 200, checkin_json(result.stored)));
}

response list_check_ins(app::context& ctx, request& req) {
    json::array items;
    for (const auto& c : app::list_check_ins(ctx, credentials_of(req), path_id(req))) items.push_back(checkin_json(c));
    return no_store(json_ok(200, json::object{{"items", std::move(items)}}));
}

response undo_check_in(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto checkin_id = path_id(req, "checkin");
    app::undo_check_in(ctx, credentials_of(req), meeting_id, checkin_id);
    return no_store(response{204, {}, {}});
}

response attendance(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    return no_store(json_ok(200, attendance_json(app::attendance_of(ctx, credentials_of(req), meeting_id))));
}

// {"email": "..."} from an admin's request body (e-mail addresses never go into URLs).
app::address_input address_of(const request& req) {
    json_body b(req);
    b.only({"email"});
    app::address_input in;
    in.email = b.text("email");
    in.unreadable = std::move(b.unreadable);
    return in;
}

// Everything held about one address, for an admin answering a request for access.
response export_personal_data(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto data = app::export_personal_data(ctx, creds, address_of(req));
    json::array rsvps, checkins;
    for (const auto& r : data.record.rsvps) rsvps.push_back(rsvp_json(r));
    for (const auto& c : data.record.checkins) checkins.push_back(checkin_json(c));
    return no_store(json_ok(200, json::object{{"email", data.email},
                                              {"rsvps", std::move(rsvps)},
                                              {"checkins", std::move(checkins)}}));
}

// Erases every sign-up of an address and its check-ins; seats they held move the waitlists.
response erase_personal_data(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    int erased = app::erase_personal_data(ctx, creds, address_of(req));
    return no_store(json_ok(200, json::object{{"erased_rsvps", erased}}));
}

}  // namespace

void add_check_in_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/meetings/{id}/checkins", bind(ctx, check_in));
    routes.add("GET", "/api/v1/meetings/{id}/checkins", bind(ctx, list_check_ins));
    routes.add("DELETE", "/api/v1/meetings/{id}/checkins/{checkin}", bind(ctx, undo_check_in));
    routes.add("GET", "/api/v1/meetings/{id}/attendance", bind(ctx, attendance));
}

void add_personal_data_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/admin/personal-data/export", bind(ctx, export_personal_data));
    routes.add("POST", "/api/v1/admin/personal-data/erase", bind(ctx, erase_personal_data));
}

}  // namespace kal::service::api
