// Registers every route of the JSON adapter.

#include "kal/service/api/api.hpp"

#include "common.hpp"
#include "kal/service/app/render_cache.hpp"

namespace kal::service::api {

void add_routes(http::router& routes, app::context& ctx, http::metrics& metrics) {
    // Cached answers are also kept in a memory file, which the server sends with sendfile(2).
    ctx.cache().attach_with([](const std::string& body) -> std::shared_ptr<const void> { return http::body_file::of(body); });
    add_operation_routes(routes, ctx, metrics);
    add_organisation_routes(routes, ctx);
    add_network_routes(routes, ctx);
    add_venue_routes(routes, ctx);
    add_meeting_routes(routes, ctx);
    add_series_routes(routes, ctx);
    add_sign_up_routes(routes, ctx);
    add_check_in_routes(routes, ctx);
    add_personal_data_routes(routes, ctx);
    add_report_routes(routes, ctx);
    add_message_routes(routes, ctx);
    add_feed_routes(routes, ctx);
    add_feed_token_routes(routes, ctx);
    add_import_routes(routes, ctx);
}

}  // namespace kal::service::api
