// Private feeds as JSON: a saved filter behind a secret link, shown once; rotate and revoke.

#include "common.hpp"
#include "json_body.hpp"
#include "kal/service/app/feeds.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

json::object feed_token_json(const db::feed_token& t) {
    json::array types, networks, organisations;
    for (const auto& x : t.types) types.push_back(json::value(db::to_text(x)));
    for (auto x : t.network_ids) networks.push_back(x);
    for (auto x : t.organisation_ids) organisations.push_back(x);
    return json::object{{"id", t.id},
                        {"name", t.name},
                        {"organisation_id", optional_json(t.organisation_id)},
                        {"types", std::move(types)},
                        {"network_ids", std::move(networks)},
                        {"organisation_ids", std::move(organisations)},
                        {"created_at", utc_text(t.created_at)},
                        {"rotated_at", t.rotated_at ? json::value(utc_text(t.rotated_at)) : json::value(nullptr)},
                        {"revoked", t.revoked_at.has_value()}};
}

// The token with its secret link, shown this once.
json::object issued_json(const app::context& ctx, const app::issued_feed_token& issued) {
    auto j = feed_token_json(issued.token);
    auto url = ctx.settings.server.public_base_url + "/feeds/private/" + issued.secret + ".ics";
    j["url"] = url;
    j["webcal_url"] = "webcal" + url.substr(url.find("://"));
    return j;
}

response create_token(app::context& ctx, request& req) {
    auto creds = credentials_of(req);
    json_body b(req);
    b.only({"name", "types", "network_ids", "organisation_ids"});
    app::feed_token_input in;
    in.name = b.text("name");
    if (auto raw = b.raw("types"); raw && !raw->is_null()) {
        in.types = b.text_list("types");
        if (!in.types) b.unreadable.fields.back().message = "must be an array of meeting types";
    }
    in.network_ids = b.id_list("network_ids");
    in.organisation_ids = b.id_list("organisation_ids");
    in.unreadable = std::move(b.unreadable);
    auto issued = app::create_feed_token(ctx, creds, in);
    auto r = no_store(json_ok(201, issued_json(ctx, issued)));
    r.set_header("Location", "/api/v1/feed-tokens/" + std::to_string(issued.token.id));
    return r;
}

response list_tokens(app::context& ctx, request& req) {
    json::array items;
    for (const auto& t : app::list_feed_tokens(ctx, credentials_of(req))) items.push_back(feed_token_json(t));
    return json_ok(200, json::object{{"items", std::move(items)}});
}

response rotate_token(app::context& ctx, request& req) {
    auto id = path_id(req);
    return no_store(json_ok(200, issued_json(ctx, app::rotate_feed_token(ctx, credentials_of(req), id))));
}

response revoke_token(app::context& ctx, request& req) {
    auto id = path_id(req);
    app::revoke_feed_token(ctx, credentials_of(req), id);
    return response{204, {}, {}};
}

}  // namespace

void add_feed_token_routes(http::router& routes, app::context& ctx) {
    routes.add("POST", "/api/v1/feed-tokens", bind(ctx, create_token));
    routes.add("GET", "/api/v1/feed-tokens", bind(ctx, list_tokens));
    routes.add("POST", "/api/v1/feed-tokens/{id}/rotate", bind(ctx, rotate_token));
    routes.add("DELETE", "/api/v1/feed-tokens/{id}", bind(ctx, revoke_token));
}

}  // namespace kal::service::api
