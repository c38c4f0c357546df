// Import as JSON: POST /api/v1/import?organisation=ID with a text/calendar body; meetings are
// created or updated by UID, all or nothing (app/import.hpp).

#include "common.hpp"
#include "kal/service/app/import.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

response import_calendar(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    if (!req.header("content-type").value_or("").starts_with("text/calendar"))
        throw app::error(app::error_kind::unsupported, "Content-Type must be text/calendar");
    app::import_request r;
    auto organisation = req.query_value("organisation");
    if (!organisation) throw app::bad_parameter("organisation", "is required: the organising organisation's id");
    r.organisation = *organisation;
    r.type = req.query_value("type");
    r.status = req.query_value("status");
    if (auto d = req.query_value("dry_run")) {
        if (*d != "true" && *d != "false") throw app::bad_parameter("dry_run", "must be true or false");
        r.dry_run = *d == "true";
    }
    r.calendar = req.body;
    json::array items;
    for (const auto& item : app::import_calendar(ctx, creds, r))
        items.push_back(json::object{{"action", item.created ? "create" : "update"},
                                     {"uid", item.meeting.uid},
                                     {"id", r.dry_run ? json::value(nullptr) : json::value(item.meeting.id)},
                                     {"title", item.meeting.title},
                                     {"start", utc_text(item.meeting.start_utc)}});
    return json_ok(r.dry_run ? 200 : 201, json::object{{"dry_run", r.dry_run}, {"items", std::move(items)}});
}

}  // namespace

void add_import_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/import", bind(ctx, import_calendar));
}

}  // namespace kal::service::api
