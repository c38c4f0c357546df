// Sign-ups (RSVPs): sign up, manage by token, the organiser's list.

#include <boost/json.hpp>

#include "api_common.hpp"
#include "kal/service/scheduling.hpp"
#include "rate_limit.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

constexpr int max_party_size = 10;

std::string refusal_text(db::sign_up_refusal r) {
    switch (r) {
    case db::sign_up_refusal::draft: return "Mötet är inte publicerat / The meeting is not published";
    case db::sign_up_refusal::cancelled: return "Mötet är inställt / The meeting is cancelled";
    case db::sign_up_refusal::started: return "Mötet har redan börjat / The meeting has already started";
    case db::sign_up_refusal::deadline_passed:
        return "Sista anmälningsdag har passerat / The registration deadline has passed";
    case db::sign_up_refusal::quota_full:
        return "Organisationens platser är fyllda / The organisation's places are taken";
    }
    return "Anmälan är stängd / Sign-up is closed";
}

}  // namespace

// What the holder of a sign-up sees (the token link is theirs alone).
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
    j["language"] = r.language;
    j["status"] = r.status;
    j["waitlist_position"] = optional_json(r.waitlist_position);
    j["created_at"] = utc_text(r.created_at);
    j["updated_at"] = utc_text(r.updated_at);
    return j;
}

namespace {

// What anyone who repeats a sign-up with the same address learns: no personal data.
json::object rsvp_summary_json(const db::rsvp& r) {
    return json::object{{"meeting_id", r.meeting_id},
                        {"status", r.status},
                        {"waitlist_position", optional_json(r.waitlist_position)},
                        {"already_signed_up", true}};
}


// Sign-ups as CSV with a header row.
response rsvps_csv(const std::vector<db::rsvp>& list, char separator) {
    std::vector<std::vector<std::string>> rows{{"id", "status", "waitlist_position", "name", "email", "organisation_id",
                                                "organisation_name", "party_size", "needs", "language", "created_at"}};
    for (const auto& r : list)
        rows.push_back({std::to_string(r.id), r.status,
                        r.waitlist_position ? std::to_string(*r.waitlist_position) : "", r.name, r.email,
                        r.organisation_id ? std::to_string(*r.organisation_id) : "", r.organisation_name,
                        std::to_string(r.party_size), r.needs, r.language, utc_text(r.created_at)});
    return csv_response(rows, separator, "anmalningar.csv");
}

// The manage token from the path, or the same 404 as for any unknown sign-up.
db::rsvp rsvp_of_token(const request& req, db::store& store) {
    auto r = rsvp_of_secret(store, req.params.at("token"));
    if (!r) throw problems::not_found("No such sign-up");
    return *r;
}

}  // namespace

db::meeting organisers_meeting(const request& req, db::store& store, const principal& who) {
    auto meeting_id = path_id(req);
    auto m = store.find_meeting(meeting_id);
    if (!m || (m->status == "draft" && !who.may_write_for(m->organisation_id)))
        throw problems::not_found("No meeting " + std::to_string(meeting_id));
    require_write(who, m->organisation_id);
    return *m;
}

void register_rsvp_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    const auto& base = ctx.settings.server.public_base_url;
    auto limiter = std::make_shared<rate_limiter>(ctx.settings.rsvps.rate_limit_per_minute);
    auto proxies = config::trusted_proxies(ctx.settings);

    routes.add("POST", "/api/v1/meetings/{id}/rsvps", [&store, &base, limiter, proxies](request& req) {
        auto meeting_id = path_id(req);
        // An organiser of the meeting adds someone by hand: no deadline, no rate limit. A token
        // that is sent is checked (401 when bad); without one this is a public sign-up.
        bool by_organiser = false;
        if (auto who = authenticate(req, store)) {
            auto m = store.find_meeting(meeting_id);
            by_organiser = m && who->may_write_for(m->organisation_id);
        }
        // Every attempt counts, also a refused one: the limit is against floods, not errors.
        if (!by_organiser)
            if (auto wait = limiter->take(client_address(req, proxies))) throw problems::too_many_requests(*wait);
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"name", "email", "organisation", "party_size", "needs", "language", "consent"});
        db::rsvp r;
        r.meeting_id = meeting_id;
        if (auto v = f.text("name", 200, true)) r.name = *v;
        if (auto v = f.text("email", 254, true)) {
            if (is_email(*v)) r.email = *v;
            else f.error("email", "is not an e-mail address");
        }
        if (auto raw = f.raw("organisation"); raw && !raw->is_null()) {
            if (raw->is_int64() && raw->get_int64() > 0) r.organisation_id = raw->get_int64();
            else if (raw->is_string()) {
                if (auto v = f.text("organisation", 200, false)) r.organisation_name = *v;
            } else f.error("organisation", "must be an organisation id or a name");
        }
        if (auto v = f.integer("party_size", 1, max_party_size, false)) r.party_size = static_cast<int>(*v);
        if (auto v = f.text("needs", 1000, false, text_kind::multi_line)) r.needs = *v;
        if (auto v = f.text("language", 2, false)) {
            if (*v == "sv" || *v == "en") r.language = *v;
            else f.error("language", "must be sv or en");
        }
        auto consent = f.boolean("consent", true);
        if (consent && !*consent) f.error("consent", "must be true: we store your name and e-mail for this meeting");
        f.throw_if_errors();
        auto token = new_rsvp_secret();
        db::sign_up_result result;
        try {
            result = store.sign_up(r, hash_token(token), now_utc(), by_organiser);
        } catch (const db::sign_up_refused& e) {
            throw problems::conflict(refusal_text(e.reason), {{e.reason == db::sign_up_refusal::quota_full
                                                                   ? "organisation"
                                                                   : "meeting",
                                                               e.what()}});
        } catch (const db::not_found&) {
            throw problems::not_found("No meeting " + std::to_string(meeting_id));
        }
        if (!result.created) return json_ok(200, rsvp_summary_json(result.stored));
        auto j = rsvp_json(result.stored);
        j["manage_url"] = base + "/api/v1/rsvp/" + token;
        j["feed_url"] = base + "/feeds/rsvp/" + token + ".ics";
        auto res = json_ok(201, j);
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("GET", "/api/v1/rsvp/{token}", [&store](request& req) {
        auto res = json_ok(200, rsvp_json(rsvp_of_token(req, store)));
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("PATCH", "/api/v1/rsvp/{token}", [&store](request& req) {
        auto r = rsvp_of_token(req, store);
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"party_size", "needs"});
        int party_size = r.party_size;
        std::string needs = r.needs;
        if (auto v = f.integer("party_size", 1, max_party_size, false)) party_size = static_cast<int>(*v);
        if (auto v = f.text("needs", 1000, false, text_kind::multi_line)) needs = *v;
        f.throw_if_errors();
        if (r.status == "cancelled") throw problems::conflict("The sign-up is cancelled");
        db::rsvp updated;
        try {
            updated = store.update_rsvp(r.id, party_size, needs);
        } catch (const db::sign_up_refused& e) {
            throw problems::conflict(refusal_text(e.reason), {{"party_size", e.what()}});
        }
        auto res = json_ok(200, rsvp_json(updated));
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("POST", "/api/v1/rsvp/{token}/cancel", [&store](request& req) {
        auto r = rsvp_of_token(req, store);
        auto res = json_ok(200, rsvp_json(store.cancel_rsvp(r.id).first));
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    // The holder erases their sign-up: the row and its check-in are deleted, the seat moves on.
    routes.add("DELETE", "/api/v1/rsvp/{token}", [&store](request& req) {
        auto r = rsvp_of_token(req, store);
        store.erase_rsvp(r.id);
        response res;
        res.status = 204;
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    routes.add("GET", "/api/v1/meetings/{id}/rsvps", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        std::vector<std::string> statuses;
        if (auto s = req.query_value("status")) {
            if (!db::is_one_of(*s, db::rsvp_statuses))
                throw bad_parameter("status", "must be confirmed, waitlisted or cancelled");
            statuses.push_back(*s);
        }
        std::optional<db::id_t> organisation;
        if (auto o = req.query_value("organisation")) {
            if (o->empty() || o->size() > 18 || o->find_first_not_of("0123456789") != std::string::npos)
                throw bad_parameter("organisation", "must be an organisation id");
            organisation = std::stoll(*o);
        }
        char separator = ',';
        if (auto sep = req.query_value("separator")) {
            if (*sep == "semicolon") separator = ';';
            else if (*sep != "comma") throw bad_parameter("separator", "must be comma or semicolon");
        }
        auto list = store.list_rsvps(meeting_id, statuses, organisation);
        if (req.header("accept").value_or("").find("text/csv") != std::string::npos)
            return rsvps_csv(list, separator);
        json::array items;
        for (const auto& r : list) items.push_back(rsvp_json(r));
        auto res = json_ok(200, json::object{{"items", std::move(items)}});
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    // The organiser moves someone from the waitlist by hand (this may overbook).
    routes.add("POST", "/api/v1/meetings/{id}/rsvps/{rsvp}/confirm", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        auto rsvp_id = path_id(req, "rsvp");
        auto r = store.find_rsvp(rsvp_id);
        if (!r || r->meeting_id != meeting_id) throw problems::not_found("No sign-up " + std::to_string(rsvp_id));
        auto res = json_ok(200, rsvp_json(store.confirm_from_waitlist(rsvp_id)));
        res.set_header("Cache-Control", "no-store");
        return res;
    });

    // Places per organisation, e.g. two delegates per association at the stormöte.
    routes.add("GET", "/api/v1/meetings/{id}/quota", [&store](request& req) {
        auto meeting_id = path_id(req);
        auto who = authenticate(req, store);
        auto m = store.find_meeting(meeting_id);
        if (!m || (m->status == "draft" && !(who && who->may_write_for(m->organisation_id))))
            throw problems::not_found("No meeting " + std::to_string(meeting_id));
        auto quota = store.meeting_quota(meeting_id);
        return json_ok(200, json::object{{"meeting_id", meeting_id}, {"per_organisation", optional_json(quota)}});
    });
    routes.add("PUT", "/api/v1/meetings/{id}/quota", [&store](request& req) {
        auto who = require_principal(req, store);
        auto meeting_id = organisers_meeting(req, store, who).id;
        auto body = parse_json_object(req);
        json_fields f(body);
        f.only({"per_organisation"});
        if (!f.has("per_organisation")) f.error("per_organisation", "is required (a number, or null for none)");
        std::optional<int> quota;
        if (auto v = f.integer("per_organisation", 1, 1000, false)) quota = static_cast<int>(*v);
        f.throw_if_errors();
        store.set_meeting_quota(meeting_id, quota);
        return json_ok(200, json::object{{"meeting_id", meeting_id}, {"per_organisation", optional_json(quota)}});
    });
}

}  // namespace kal::service::detail
