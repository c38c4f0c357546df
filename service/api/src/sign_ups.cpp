// Sign-ups as JSON: sign up, manage by the link's secret, the organisers' list, the waitlist and
// quotas.

#include "kal/service/app/sign_ups.hpp"
#include "common.hpp"
#include "json_body.hpp"
#include "kal/config/config.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/http/client_address.hpp"

namespace kal::service::api {
namespace json = boost::json;

// What the holder of a sign-up and the organisers see (the link is theirs alone).
json::object rsvp_json(const db::rsvp& r) {
    json::object j;
    j["id"] = r.id;
    j["meeting_id"] = r.meeting_id;
    j["name"] = r.name;
    j["email"] = r.email;
    j["organisation_id"] = optional_json(r.organisation_id);
    j["organisation_name"] = r.organisation_name;
    j["party_size"] = r.party_size;
    j["needs"] = r.needs;
    j["language"] = db::to_text(r.language);
    j["status"] = db::to_text(r.status);
    j["waitlist_position"] = optional_json(r.waitlist_position);
    j["created_at"] = utc_text(r.created_at);
    j["updated_at"] = utc_text(r.updated_at);
    return j;
}

namespace {

// What anyone who repeats a sign-up with the same address learns: no personal data.
json::object rsvp_summary_json(const db::rsvp& r) {
    return json::object{{"meeting_id", r.meeting_id},
                        {"status", db::to_text(r.status)},
                        {"waitlist_position", optional_json(r.waitlist_position)},
                        {"already_signed_up", true}};
}

response rsvps_csv(const std::vector<db::rsvp>& list, char separator) {
    return csv_response(app::sign_up_rows(list), separator, "anmalningar.csv");
}

app::sign_up_input sign_up_input_of(const request& req) {
    json_body b(req);
    b.only({"name", "email", "organisation", "party_size", "needs", "language", "consent"});
    app::sign_up_input in;
    in.name = b.text("name");
    in.email = b.text("email");
    if (auto raw = b.raw("organisation"); raw && !raw->is_null()) {
        if (raw->is_int64())
            in.organisation_id = raw->get_int64();
        else if (raw->is_string())
            in.organisation_name = std::string(raw->get_string());
        else
            b.error("organisation", "must be an organisation id or a name");
    }
    in.party_size = b.integer("party_size");
    in.needs = b.text("needs");
    in.language = b.text("language");
    in.consent = b.boolean("consent");
    in.unreadable = std::move(b.unreadable);
    return in;
}

response sign_up(app::context& ctx, request& req) {
    const auto proxies = config::trusted_proxies(ctx.settings);
    auto meeting_id = path_id(req);
    auto creds = credentials_of(req);
    auto out = app::sign_up(ctx, creds, meeting_id, sign_up_input_of(req), http::client_address(req, proxies));
    if (!out.created) return json_ok(200, rsvp_summary_json(out.stored));
    auto j = rsvp_json(out.stored);
    const auto& base = ctx.settings.server.public_base_url;
    // The page for the person; the same secret opens the JSON resource (url) and their feed.
    j["manage_url"] = app::sign_up_link(ctx.settings, out.secret, out.stored.language);
    j["url"] = base + "/api/v1/rsvp/" + out.secret;
    j["feed_url"] = base + "/feeds/rsvp/" + out.secret + ".ics";
    return no_store(json_ok(201, j));
}

db::rsvp held(app::context& ctx, const request& req) {
    auto held = app::sign_up_of_secret(ctx, req.params.at("token"));
    if (!held) throw app::not_found("No such sign-up");
    return held->rsvp;
}

response get_held(app::context& ctx, request& req) { return no_store(json_ok(200, rsvp_json(held(ctx, req)))); }

response change_held(app::context& ctx, request& req) {
    json_body b(req);
    b.only({"party_size", "needs", "language"});
    app::sign_up_changes changes;
    changes.party_size = b.integer("party_size");
    changes.needs = b.text("needs");
    changes.language = b.text("language");
    changes.unreadable = std::move(b.unreadable);
    return no_store(json_ok(200, rsvp_json(app::change_sign_up(ctx, req.params.at("token"), changes))));
}

response cancel_held(app::context& ctx, request& req) {
    return no_store(json_ok(200, rsvp_json(app::cancel_sign_up(ctx, req.params.at("token")))));
}

// The holder erases their sign-up: the row and its check-in are deleted, the seat moves on.
response erase_held(app::context& ctx, request& req) {
    app::erase_sign_up(ctx, req.params.at("token"));
    return no_store(response{204, {}, {}});
}

response list_for_organisers(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto creds = credentials_of(req);
    std::vector<db::rsvp_status> statuses;
    if (auto s = req.query_value("status")) {
        auto status = db::parse_rsvp_status(*s);
        if (!status) throw app::bad_parameter("status", "must be confirmed, waitlisted or cancelled");
        statuses.push_back(*status);
    }
    std::optional<db::id_t> organisation;
    if (auto o = req.query_value("organisation")) {
        organisation = app::parse_id(*o);
        if (!organisation || o->size() > 18) throw app::bad_parameter("organisation", "must be an organisation id");
    }
    const char separator = csv_separator(req);
    auto list = app::list_sign_ups(ctx, creds, meeting_id, statuses, organisation);
    if (wants_csv(req)) return rsvps_csv(list, separator);
    json::array items;
    for (const auto& r : list) items.push_back(rsvp_json(r));
    return no_store(json_ok(200, json::object{{"items", std::move(items)}}));
}

// The organiser moves someone from the waitlist by hand (this may overbook).
response confirm(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto rsvp_id = path_id(req, "rsvp");
    return no_store(json_ok(200, rsvp_json(app::confirm_from_waitlist(ctx, credentials_of(req), meeting_id, rsvp_id))));
}

response quota_json(db::id_t meeting_id, std::optional<int> quota) {
    return json_ok(200, json::object{{"meeting_id", meeting_id}, {"per_organisation", optional_json(quota)}});
}

response get_quota(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    return quota_json(meeting_id, app::meeting_quota(ctx, credentials_of(req), meeting_id));
}

response put_quota(app::context& ctx, request& req) {
    auto meeting_id = path_id(req);
    auto creds = credentials_of(req);
    json_body b(req);
    b.only({"per_organisation"});
    if (!b.has("per_organisation") && !b.unreadable.body)
        b.unreadable.fields.push_back({"per_organisation", "is required (a number, or null for none)", "required"});
    auto quota = b.integer("per_organisation");
    app::set_meeting_quota(ctx, creds, meeting_id, b.unreadable, quota);
    return quota_json(meeting_id, quota ? std::optional<int>(static_cast<int>(*quota)) : std::nullopt);
}

}  // namespace

void add_sign_up_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/meetings/{id}/rsvps", bind(ctx, sign_up));
    routes.add("GET", "/api/v1/rsvp/{token}", bind(ctx, get_held));
    routes.add("PATCH", "/api/v1/rsvp/{token}", bind(ctx, change_held));
    routes.add("POST", "/api/v1/rsvp/{token}/cancel", bind(ctx, cancel_held));
    routes.add("DELETE", "/api/v1/rsvp/{token}", bind(ctx, erase_held));
    routes.add("GET", "/api/v1/meetings/{id}/rsvps", bind(ctx, list_for_organisers));
    routes.add("POST", "/api/v1/meetings/{id}/rsvps/{rsvp}/confirm", bind(ctx, confirm));
    routes.add("GET", "/api/v1/meetings/{id}/quota", bind(ctx, get_quota));
    routes.add("PUT", "/api/v1/meetings/{id}/quota", bind(ctx, put_quota));
}

}  // namespace kal::service::api
