#pragma once
// The JSON adapter: /api/v1 routes, the feeds under /feeds, the operations routes (/healthz,
// /readyz, /metrics, /api/openapi.json), and the one mapping of every error to problem+json.

#include <exception>
#include <string>

#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/http/message.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"

namespace kal::service::api {

// Adds every route of the API, the feeds and the operations routes to `routes`.
void add_routes(http::router& routes, app::context& ctx, http::metrics& metrics);

// The one place where errors become problem+json (RFC 9457). Unexpected exceptions give 500 and
// are logged without request data.
http::response problem_answer(const app::error& e);
http::response error_answer(const http::request& req, std::exception_ptr error);
http::response refusal_answer(const http::request* req, const http::refusal& r);
// The same, as the server takes them.
http::errors_to_answers problem_answers();

// The embedded OpenAPI document (docs/openapi.json).
const std::string& openapi_document();

}  // namespace kal::service::api
