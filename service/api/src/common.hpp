#pragma once
// What the API's routes share (private to api/): reading path ids, paging and credentials,
// shaping lists, JSON and CSV answers.

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "kal/db/meetings.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/http/message.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"

namespace kal::service::api {

using http::request;
using http::response;

// The positive integer path parameter `name`, or 404 (an id that cannot exist names nothing).
db::id_t path_id(const request& req, const std::string& name = "id");

// limit (1..200, default 50) and cursor query parameters; 400 naming the parameter.
struct paging {
    int limit = 50;
    std::optional<db::cursor> after;
};
paging read_paging(const request& req);
std::string encode_cursor(const db::cursor& c);

// What the caller presented: "Authorization: Bearer <token>"; a header of another form is 401.
app::credentials credentials_of(const request& req);

response json_ok(int status, const boost::json::value& v);
// Answers that hold what only the caller may see are never stored by caches.
response no_store(response r);
std::string utc_text(std::int64_t instant);
boost::json::value optional_json(const std::optional<std::string>& v);
boost::json::value optional_json(const std::optional<std::int64_t>& v);
boost::json::value optional_json(const std::optional<int>& v);
boost::json::value ids_json(const std::vector<db::id_t>& ids);

// {"items": [...], "next_cursor": "..."|null}
template <class T, class F>
response list_response(const db::page<T>& page, F&& to_json) {
    boost::json::array items;
    items.reserve(page.items.size());
    for (const auto& item : page.items) items.push_back(to_json(item));
    boost::json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = page.next ? boost::json::value(encode_cursor(*page.next)) : boost::json::value(nullptr);
    return json_ok(200, o);
}

// CSV (RFC 4180, UTF-8) with the header row first: a field is quoted when it holds the
// separator, a quote or a line break, and one starting with = + - @ gets an apostrophe so that a
// spreadsheet never runs it as a formula. The ;-separated variant (Swedish spreadsheet programs)
// starts with a UTF-8 byte order mark, which those programs need to read å, ä and ö. The response
// carries Content-Type, an attachment filename and Cache-Control: no-store.
response csv_response(const std::vector<std::vector<std::string>>& rows, char separator, const std::string& filename);
// The separator query parameter (comma, the default, or semicolon).
char csv_separator(const request& req);
bool wants_csv(const request& req);

// A directory list's query: paging, q (at most 200 characters), kind, organisation.
app::directory_query directory_query_of(const request& req);
// 201 with the created resource and its Location.
response created_at(const boost::json::object& j, const std::string& collection, db::id_t id);

// True when the query says a venue double booking is intended.
db::venue_overlap venue_overlap_of(const request& req);

// Routes of one resource, each a named function; registered by api.cpp.
void add_operation_routes(http::router& routes, app::context& ctx, http::metrics& metrics);
void add_organisation_routes(http::router& routes, app::context& ctx);
void add_network_routes(http::router& routes, app::context& ctx);
void add_venue_routes(http::router& routes, app::context& ctx);
void add_meeting_routes(http::router& routes, app::context& ctx);
void add_series_routes(http::router& routes, app::context& ctx);
void add_sign_up_routes(http::router& routes, app::context& ctx);
void add_check_in_routes(http::router& routes, app::context& ctx);
void add_personal_data_routes(http::router& routes, app::context& ctx);
void add_report_routes(http::router& routes, app::context& ctx);
void add_message_routes(http::router& routes, app::context& ctx);
void add_feed_routes(http::router& routes, app::context& ctx);
void add_feed_token_routes(http::router& routes, app::context& ctx);
void add_import_routes(http::router& routes, app::context& ctx);

// A public GET (a list or a single resource) whose anonymous answers are kept in the render
// cache beside feeds and pages (read_cache.cpp); requests with credentials run `handler` as ever.
void add_public_read(http::router& routes, app::context& ctx, const std::string& pattern, http::handler handler);
// Its key: "api <Accept> <Accept-Language> <path as sent>?<query, names sorted>".
std::string read_cache_key(const request& req);

// A route handler bound to the context: `fn(ctx, req)`.
template <class F>
http::handler bind(app::context& ctx, F fn) {
    return [&ctx, fn](request& req) { return fn(ctx, req); };
}

}  // namespace kal::service::api
