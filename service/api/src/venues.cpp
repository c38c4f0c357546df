// Venues as JSON: /api/v1/venues, the premises the parties share.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/directory.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

// ---- venues -----------------------------------------------------------------------------------

json::object venue_json(const db::venue& v) {
    json::object j;
    j["id"] = v.id;
    j["name"] = v.name;
    j["slug"] = v.slug;
    j["address"] = v.address;
    j["capacity"] = optional_json(v.capacity);
    j["accessibility"] = json::object{{"step_free", v.step_free},
                                      {"hearing_loop", v.hearing_loop},
                                      {"accessible_toilet", v.accessible_toilet},
                                      {"notes", v.accessibility_notes}};
    j["latitude"] = v.latitude ? json::value(*v.latitude) : json::value(nullptr);
    j["longitude"] = v.longitude ? json::value(*v.longitude) : json::value(nullptr);
    j["organisation_id"] = optional_json(v.organisation_id);
    j["shared"] = v.shared;
    j["created_at"] = utc_text(v.created_at);
    j["updated_at"] = utc_text(v.updated_at);
    return j;
}

app::venue_input venue_input_of(const request& req) {
    json_body b(req);
    b.only({"name", "slug", "address", "capacity", "accessibility", "latitude", "longitude", "organisation_id",
            "shared"});
    app::venue_input in;
    in.name = b.text_not_null("name");
    in.slug = b.text("slug");
    in.address = b.text("address");
    in.capacity = b.nullable_integer("capacity");
    if (auto a = b.raw("accessibility"); a && !a->is_null()) {
        if (!a->is_object()) {
            b.error("accessibility", "must be an object");
        } else {
            json_body ab(a->get_object(), "accessibility", &b.unreadable);
            ab.only({"step_free", "hearing_loop", "accessible_toilet", "notes"});
            in.step_free = ab.boolean("step_free");
            in.hearing_loop = ab.boolean("hearing_loop");
            in.accessible_toilet = ab.boolean("accessible_toilet");
            in.accessibility_notes = ab.text("notes");
        }
    }
    in.latitude = b.nullable_number("latitude");
    in.longitude = b.nullable_number("longitude");
    in.organisation_id = b.nullable_integer("organisation_id");
    in.shared = b.boolean("shared");
    in.unreadable = std::move(b.unreadable);
    return in;
}

response list_venues(app::context& ctx, request& req) {
    return list_response(app::list_venues(ctx, credentials_of(req), directory_query_of(req)), venue_json);
}

response create_venue(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto v = app::create_venue(ctx, creds, venue_input_of(req));
    return created_at(venue_json(v), "venues", v.id);
}

response get_venue(app::context& ctx, request& req) {
    return json_ok(200, venue_json(app::find_venue(ctx, credentials_of(req), path_id(req))));
}

response change_venue(app::context& ctx, request& req) {
    auto id = path_id(req);
    auto creds = credentials_of(req);
    return json_ok(200, venue_json(app::update_venue(ctx, creds, id, venue_input_of(req))));
}

response delete_venue(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::delete_venue(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

}  // namespace

void add_venue_routes(http::router& routes, app::context& ctx) {
    add_public_read(routes, ctx, "/api/v1/venues", bind(ctx, list_venues));
    routes.add("POST", "/api/v1/venues", bind(ctx, create_venue));
    add_public_read(routes, ctx, "/api/v1/venues/{id}", bind(ctx, get_venue));
    routes.add("PATCH", "/api/v1/venues/{id}", bind(ctx, change_venue));
    routes.add("DELETE", "/api/v1/venues/{id}", bind(ctx, delete_venue));
}

}  // namespace kal::service::api
