// Networks as JSON: /api/v1/networks (area networks, ortsråd, interest networks, samråd, forums).

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/directory.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

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
    return created_at(network_json(n), "networks", n.id);
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

}  // namespace

void add_network_routes(http::router& routes, app::context& ctx) {
    add_public_read(routes, ctx, "/api/v1/networks", bind(ctx, list_networks));
    routes.add("POST", "/api/v1/networks", bind(ctx, create_network));
    add_public_read(routes, ctx, "/api/v1/networks/{id}", bind(ctx, get_network));
    routes.add("PATCH", "/api/v1/networks/{id}", bind(ctx, change_network));
    routes.add("DELETE", "/api/v1/networks/{id}", bind(ctx, delete_network));
}

}  // namespace kal::service::api
