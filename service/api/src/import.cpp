// Import as JSON: POST /api/v1/import?organisation=ID with a text/calendar body; meetings are
// created or updated by UID, all or nothing (app/import.hpp).

#include "common.hpp"
#include "kal/service/app/import.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

response import_calendar(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    app::import_request r;
    if (!req.header("content-type").value_or("").starts_with("text/calendar"))
        r.unreadable_body = app::error(app::error_kind::unsupported, "Content-Type must be text/calendar");
    r.organisation = req.query_value("organisation");
    r.type = req.query_value("type");
    r.status = req.query_value("status");
    r.dry_run = req.query_value("dry_run");
    r.calendar = req.body;
    auto result = app::import_calendar(ctx, creds, r);
    json::array items;
    for (const auto& item : result.items)
        items.push_back(json::object{{"action", item.created ? "create" : "update"},
                                     {"uid", item.meeting.uid},
                                     {"id", result.dry_run ? json::value(nullptr) : json::value(item.meeting.id)},
                                     {"title", item.meeting.title},
                                     {"start", utc_text(item.meeting.start_utc)}});
    return json_ok(result.dry_run ? 200 : 201, json::object{{"dry_run", result.dry_run}, {"items", std::move(items)}});
}

}  // namespace

void add_import_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/import", bind(ctx, import_calendar));
}

}  // namespace kal::service::api
