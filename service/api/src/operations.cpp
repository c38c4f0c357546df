// Operations: the service's index, health, readiness, metrics and the OpenAPI document.

#include "common.hpp"
#include "kal/service/api/api.hpp"

namespace kal::service::api {

extern const char* const embedded_openapi;  // generated from docs/openapi.json

const std::string& openapi_document() {
    static const std::string document(embedded_openapi);
    return document;
}

namespace {

response index(app::context& ctx, request&) {
    const auto& base = ctx.settings.server.public_base_url;
    boost::json::object o{{"name", "Kalendarium"},
                          {"description", "Mötena i Överenskommelsen mellan Borås Stad och Det Idéburna / "
                                          "The meetings of the Borås compact"},
                          {"api", base + "/api/v1"},
                          {"openapi", base + "/api/openapi.json"},
                          {"meetings", base + "/api/v1/meetings"},
                          {"health", base + "/healthz"}};
    return json_ok(200, o);
}

response health(request&) {
    response r;
    r.body = R"({"status":"ok"})";
    r.set_header("Content-Type", "application/json");
    return r;
}

response readiness(app::context& ctx, request&) {
    ctx.database.ping();
    response r;
    r.body = R"({"status":"ready"})";
    r.set_header("Content-Type", "application/json");
    return r;
}

response openapi(request&) {
    response r;
    r.body = openapi_document();
    r.set_header("Content-Type", "application/json");
    return r;
}

}  // namespace

void add_operation_routes(http::router& routes, app::context& ctx, http::metrics& metrics) {
    routes.add("GET", "/api/v1", bind(ctx, index), http::runs_on::io_thread);
    routes.add("GET", "/healthz", health, http::runs_on::io_thread);
    routes.add("GET", "/readyz", bind(ctx, readiness));
    routes.add(
        "GET", "/metrics",
        [&ctx, &metrics](request&) {
            response r;
            r.body = metrics.render(ctx.database.pool_in_use(), ctx.database.pool_size());
            r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            return r;
        },
        http::runs_on::io_thread);
    routes.add("GET", "/api/openapi.json", openapi, http::runs_on::io_thread);
}

}  // namespace kal::service::api
