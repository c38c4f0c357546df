// Attendance: check-ins at the door, the attendance of a meeting, and what is held about one
// e-mail address (export and erasure, for an admin answering a GDPR request).

#include <boost/json.hpp>

#include "api_common.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

constexpr int max_walk_in_party = 50;

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

json::object attendance_json(const db::attendance& a) {
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

response no_store(response res) {
    res.set_header("Cache-Control", "no-store");
    return res;
}

// {"email": "..."} from an admin's request body (e-mail addresses never go into URLs).
std::string email_of_body(const request& req) {
    auto body = parse_json_object(req);
    json_fields f(body);
    f.only({"email"});
    std::string email;
    if (auto v = f.text("email", 254, true)) {
        if (is_email(*v)) email = *v;
        else f.error("email", "is not an e-mail address");
    }
    f.throw_if_errors();
    return email;
}

}  // namespace

void register_attendance_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;

    // A sign-up ({"rsvp": id}) or a walk-in ({"name", "organisation"}) is present. The same
    // person twice, from any number of devices at once, is one check-in: 201 the first time,
    // 200 with the existing one after.
    routes.add("POST", "/api/v1/meetings/{id}/checkins", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting = organisers_meeting(req, store, who);
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"rsvp", "name", "organisation", "party_size"});
        db::checkin c;
        c.meeting_id = meeting.id;
        if (auto v = f.integer("rsvp", 1, std::numeric_limits<std::int64_t>::max(), false)) c.rsvp_id = *v;
        if (f.has("rsvp") && f.has("name"))
            f.error("name", "give either rsvp (a sign-up) or name (a walk-in), not both");
        else if (!f.has("rsvp")) {
            // A walk-in: the name is required (and, like every name here, not blank).
            if (auto v = f.text("name", 200, true)) c.name = *v;
        }
        if (auto raw = f.raw("organisation"); raw && !raw->is_null()) {
            if (c.rsvp_id) f.error("organisation", "comes from the sign-up");
            else if (raw->is_int64() && raw->get_int64() > 0) c.organisation_id = raw->get_int64();
            else if (raw->is_string()) {
                if (auto v = f.text("organisation", 200, false)) c.organisation_name = *v;
            } else f.error("organisation", "must be an organisation id or a name");
        }
        if (auto v = f.integer("party_size", 1, max_walk_in_party, false)) c.people = static_cast<int>(*v);
        f.throw_if_errors();
        if (meeting.status != "published")
            throw problems::conflict("Incheckning kräver ett publicerat möte / Check-in needs a published meeting",
                                     {{"meeting", "the meeting is " + meeting.status}});
        auto result = store.check_in(c);
        return no_store(json_ok(result.created ? 201 : 200, checkin_json(result.stored)));
    });

    routes.add("GET", "/api/v1/meetings/{id}/checkins", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        json::array items;
        for (const auto& c : store.list_checkins(meeting_id)) items.push_back(checkin_json(c));
        return no_store(json_ok(200, json::object{{"items", std::move(items)}}));
    });

    routes.add("DELETE", "/api/v1/meetings/{id}/checkins/{checkin}", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        auto checkin_id = path_id(req, "checkin");
        try {
            store.undo_check_in(meeting_id, checkin_id);
        } catch (const db::not_found&) {
            throw problems::not_found("No check-in " + std::to_string(checkin_id) + " at this meeting");
        }
        response res;
        res.status = 204;
        return no_store(std::move(res));
    });

    routes.add("GET", "/api/v1/meetings/{id}/attendance", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        auto list = store.attendance_of({meeting_id});
        if (list.empty()) throw problems::not_found("No meeting " + std::to_string(meeting_id));
        return no_store(json_ok(200, attendance_json(list.front())));
    });

    // Everything held about one address, for an admin answering a request for access.
    routes.add("POST", "/api/v1/admin/personal-data/export", [&store](request& req) {
        require_admin(require_principal(req, store));
        auto email = email_of_body(req);
        auto data = store.personal_data_of(email);
        json::array rsvps, checkins;
        for (const auto& r : data.rsvps) rsvps.push_back(rsvp_json(r));
        for (const auto& c : data.checkins) checkins.push_back(checkin_json(c));
        return no_store(json_ok(200, json::object{{"email", email},
                                                  {"rsvps", std::move(rsvps)},
                                                  {"checkins", std::move(checkins)}}));
    });

    // Erases every sign-up of an address and its check-ins; seats they held move the waitlists.
    routes.add("POST", "/api/v1/admin/personal-data/erase", [&store](request& req) {
        require_admin(require_principal(req, store));
        auto email = email_of_body(req);
        int erased = store.erase_rsvps_of(email);
        return no_store(json_ok(200, json::object{{"erased_rsvps", erased}}));
    });
}

}  // namespace kal::service::detail
