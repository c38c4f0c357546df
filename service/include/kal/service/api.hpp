#pragma once
// The organiser API: /api/v1 routes, operations routes and the mapping of every error to HTTP.

#include <exception>
#include <string>

#include "kal/config/config.hpp"
#include "kal/db/store.hpp"
#include "kal/service/http.hpp"
#include "kal/service/metrics.hpp"
#include "kal/service/router.hpp"

namespace kal::service {

struct app_context {
    const config::settings& settings;
    db::store& store;
    service::metrics& metrics;
};

// Adds every route of the service to `routes`.
void register_routes(router& routes, app_context& ctx);

// The one place where errors from every layer become HTTP responses (problem+json).
// Unexpected exceptions give 500 and are logged without request data.
response error_response(std::exception_ptr error);

// The embedded OpenAPI document (docs/openapi.json).
const std::string& openapi_document();

}  // namespace kal::service
