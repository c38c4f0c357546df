// Organisations, networks and venues as JSON.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/directory.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

app::directory_query directory_query_of(const request& req) {
    app::directory_query q;
    auto p = read_paging(req);
    q.limit = p.limit;
    q.after = p.after;
    q.q = req.query_value("q").value_or("");
    if (q.q.size() > 200) throw app::bad_parameter("q", "at most 200 characters");
    q.kind = req.query_value("kind");
    q.organisation = req.query_value("organisation");
    return q;
}

response created(const json::object& j, const std::string& collection, db::id_t id) {
    auto r = json_ok(201, j);
    r.set_header("Location", "/api/v1/" + collection + "/" + std::to_string(id));
    return r;
}

// ---- organisations ----------------------------------------------------------------------------

json::object organisation_json(const db::organisation& o, bool show_contact) {
    json::object j;
    j["id"] = o.id;
    j["kind"] = db::to_text(o.kind);
    j["name"] = o.name;
    j["slug"] = o.slug;
    j["contact_public"] = o.contact_public;
    if (show_contact || o.contact_public) {
        j["contact_email"] = optional_json(o.contact_email);
        j["contact_phone"] = optional_json(o.contact_phone);
    }
    j["created_at"] = utc_text(o.created_at);
    j["updated_at"] = utc_text(o.updated_at);
    return j;
}

app::organisation_input organisation_input_of(const request& req) {
    json_body b(req);
    b.only({"kind", "name", "slug", "contact_email", "contact_phone", "contact_public"});
    app::organisation_input in;
    in.kind = b.text("kind");
    in.name = b.text_not_null("name");
    in.slug = b.text("slug");
    in.contact_email = b.nullable_text("contact_email");
    in.contact_phone = b.nullable_text("contact_phone");
    in.contact_public = b.boolean("contact_public");
    in.unreadable = std::move(b.unreadable);
    return in;
}

response list_organisations(app::context& ctx, request& req) {
    auto page = app::list_organisations(ctx, credentials_of(req), directory_query_of(req));
    return list_response(page, [](const app::organisation_view& v) { return organisation_json(v.organisation, v.shows_contact); });
}

response create_organisation(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto o = app::create_organisation(ctx, creds, organisation_input_of(req));
    return created(organisation_json(o, true), "organisations", o.id);
}

response get_organisation(app::context& ctx, request& req) {
    auto v = app::find_organisation(ctx, credentials_of(req), path_id(req));
    return json_ok(200, organisation_json(v.organisation, v.shows_contact));
}

response change_organisation(app::context& ctx, request& req) {
    auto id = path_id(req);
    auto creds = credentials_of(req);
    return json_ok(200, organisation_json(app::update_organisation(ctx, creds, id, organisation_input_of(req)), true));
}

response delete_organisation(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::delete_organisation(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

// ---- networks ---------------------------------------------------------------------------------

json::object network_json(const db::network& n) {
    json::object j;
    j["id"] = n.id;
    j["kind"] = db::to_text(n.kind);
    j["name"] = n.name;
    j["slug"] = n.slug;
    j["description"] = n.description;
    j["organisation_ids"] = ids_json(n.organisation_ids);
    j["created_at"] = utc_text(n.created_at);
    j["updated_at"] = utc_text(n.updated_at);
    return j;
}

app::network_input network_input_of(const request& req) {
    json_body b(req);
    b.only({"kind", "name", "slug", "description", "organisation_ids"});
    app::network_input in;
    in.kind = b.text("kind");
    in.name = b.text_not_null("name");
    in.slug = b.text("slug");
    in.description = b.text("description");
    in.organisation_ids = b.id_list("organisation_ids");
    in.unreadable = std::move(b.unreadable);
    return in;
}

response list_networks(app::context& ctx, request& req) {
    return list_response(app::list_networks(ctx, credentials_of(req), directory_query_of(req)), network_json);
}

response create_network(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    auto n = app::create_network(ctx, creds, network_input_of(req));
    return created(network_json(n), "networks", n.id);
}

response get_network(app::context& ctx, request& req) {
    return json_ok(200, network_json(app::find_network(ctx, credentials_of(req), path_id(req))));
}

response change_network(app::context& ctx, request& req) {
    auto id = path_id(req);
    auto creds = credentials_of(req);
    return json_ok(200, network_json(app::update_network(ctx, creds, id, network_input_of(req))));
}

response delete_network(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::delete_network(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

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
    return created(venue_json(v), "venues", v.id);
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

void add_organisation_routes(http::router& routes, app::context& ctx) {
    routes.add("GET", "/api/v1/organisations", bind(ctx, list_organisations));
    routes.add("POST", "/api/v1/organisations", bind(ctx, create_organisation));
    routes.add("GET", "/api/v1/organisations/{id}", bind(ctx, get_organisation));
    routes.add("PATCH", "/api/v1/organisations/{id}", bind(ctx, change_organisation));
    routes.add("DELETE", "/api/v1/organisations/{id}", bind(ctx, delete_organisation));
}

void add_network_routes(http::router& routes, app::context& ctx) {
    routes.add("GET", "/api/v1/networks", bind(ctx, list_networks));
    routes.add("POST", "/api/v1/networks", bind(ctx, create_network));
    routes.add("GET", "/api/v1/networks/{id}", bind(ctx, get_network));
    routes.add("PATCH", "/api/v1/networks/{id}", bind(ctx, change_network));
    routes.add("DELETE", "/api/v1/networks/{id}", bind(ctx, delete_network));
}

void add_venue_routes(http::router& routes, app::context& ctx) {
    routes.add("GET", "/api/v1/venues", bind(ctx, list_venues));
    routes.add("POST", "/api/v1/venues", bind(ctx, create_venue));
    routes.add("GET", "/api/v1/venues/{id}", bind(ctx, get_venue));
    routes.add("PATCH", "/api/v1/venues/{id}", bind(ctx, change_venue));
    routes.add("DELETE", "/api/v1/venues/{id}", bind(ctx, delete_venue));
}

}  // namespace kal::service::api
