#pragma once
// Helpers shared by the API handlers (private to service/).

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "kal/db/store.hpp"
#include "kal/service/api.hpp"
#include "kal/service/auth.hpp"
#include "kal/service/http.hpp"
#include "kal/service/json_input.hpp"

namespace kal::service::detail {

// The positive integer path parameter `name`, or 404 (an id that cannot exist names nothing).
db::id_t path_id(const request& req, const std::string& name = "id");

// limit (1..200, default 50) and cursor query parameters; 400 naming the parameter.
struct paging {
    int limit = 50;
    std::optional<db::cursor> after;
};
paging read_paging(const request& req);
std::string encode_cursor(const db::cursor& c);

// {"items": [...], "next_cursor": "..."|null}
template <class T, class F>
response list_response(const db::page<T>& page, F&& to_json) {
    boost::json::array items;
    for (const auto& item : page.items) items.push_back(to_json(item));
    boost::json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = page.next ? boost::json::value(encode_cursor(*page.next)) : boost::json::value(nullptr);
    return json_response(200, boost::json::serialize(o));
}

response json_ok(int status, const boost::json::value& v);
std::string utc_text(std::int64_t instant);
boost::json::value optional_json(const std::optional<std::string>& v);
boost::json::value optional_json(const std::optional<std::int64_t>& v);
boost::json::value optional_json(const std::optional<int>& v);
boost::json::value ids_json(const std::vector<db::id_t>& ids);

// A 400 problem naming one query parameter.
problem bad_parameter(const std::string& name, const std::string& message);
// An id given as number or slug in a query parameter ("network=integration" or "network=4").
template <class Find>
std::optional<db::id_t> id_or_slug(const request& req, const std::string& name, Find&& find_by_slug) {
    auto v = req.query_value(name);
    if (!v) return std::nullopt;
    if (!v->empty() && v->find_first_not_of("0123456789") == std::string::npos && v->size() < 18)
        return std::stoll(*v);
    if (auto found = find_by_slug(*v)) return found->id;
    // An unknown slug matches nothing; -1 is an id no row has.
    return db::id_t{-1};
}

// CSV (RFC 4180, UTF-8) with the header row first: a field is quoted when it holds the
// separator, a quote or a line break, and one starting with = + - @ gets an apostrophe so that
// a spreadsheet never runs it as a formula. The ;-separated variant (Swedish spreadsheet
// programs) starts with a UTF-8 byte order mark, which those programs need to read å, ä and ö.
// The response carries Content-Type, an attachment filename and Cache-Control: no-store.
response csv_response(const std::vector<std::vector<std::string>>& rows, char separator, const std::string& filename);

// Sign-up links: "kalr_" + 43 base64url characters (256 bits), the form of the manage link a
// sign-up answers with and of the links in e-mails.
std::string new_rsvp_secret();
// The sign-up a link's secret opens, or nullopt for a malformed, unknown or anonymised one (the
// callers answer all of these alike, so a link reveals nothing about others).
std::optional<db::rsvp> rsvp_of_secret(db::store& store, const std::string& secret);

// A sign-up as its holder and the organisers see it (api_rsvps.cpp).
boost::json::object rsvp_json(const db::rsvp& r);

// The meeting for an organiser's request: 404 as for a missing meeting when it is a draft of
// another organisation, 403 when the caller may not write for its organisation.
db::meeting organisers_meeting(const request& req, db::store& store, const principal& who);

// True when the query says a venue double booking is intended.
bool allows_venue_conflict(const request& req);

}  // namespace kal::service::detail
