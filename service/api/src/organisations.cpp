// Organisations as JSON: /api/v1/organisations.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/directory.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

// ---- organisations ----------------------------------------------------------------------------

json::object organisation_json(const db::organisation& o, bool show_contact) {
    json::object j;
    j["id"] = o.id;
    j["kind"] = db::to_text(o.kind);
    j["name"] = o.name;
    j["slug"] = o.slug;
    j["contact_public"] = o.contact_public;
    if (show_contact) {  // app::shows_contact: public ones to everyone
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
    return created_at(organisation_json(o, true), "organisations", o.id);
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

}  // namespace

void add_organisation_routes(http::router& routes, app::context& ctx) {
    add_public_read(routes, ctx, "/api/v1/organisations", bind(ctx, list_organisations));
    routes.add("POST", "/api/v1/organisations", bind(ctx, create_organisation));
    add_public_read(routes, ctx, "/api/v1/organisations/{id}", bind(ctx, get_organisation));
    routes.add("PATCH", "/api/v1/organisations/{id}", bind(ctx, change_organisation));
    routes.add("DELETE", "/api/v1/organisations/{id}", bind(ctx, delete_organisation));
}

}  // namespace kal::service::api
