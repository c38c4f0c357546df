// Route registration and the one mapping of every layer's errors to HTTP.

#include "kal/service/api.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "kal/calendar/time.hpp"
#include "kal/db/errors.hpp"
#include "routes.hpp"

namespace kal::service {

extern const char* const embedded_openapi;  // generated from docs/openapi.json

const std::string& openapi_document() {
    static const std::string document(embedded_openapi);
    return document;
}

void register_routes(router& routes, app_context& ctx) {
    detail::register_operation_routes(routes, ctx);
    detail::register_directory_routes(routes, ctx);
    detail::register_meeting_routes(routes, ctx);
    detail::register_rsvp_routes(routes, ctx);
    detail::register_attendance_routes(routes, ctx);
    detail::register_report_routes(routes, ctx);
    detail::register_message_routes(routes, ctx);
    detail::register_feed_routes(routes, ctx);  // last: it watches every write route
}

response error_response(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const problem& p) {
        return to_response(p);
    } catch (const db::not_found& e) {
        return to_response(problems::not_found(e.what()));
    } catch (const db::invalid_reference& e) {
        return to_response(problems::validation({{e.field, e.what()}}));
    } catch (const db::venue_conflict& e) {
        std::string ids;
        for (auto id : e.meeting_ids) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        auto p = problems::conflict("The venue is already booked at that time by meeting(s) " + ids +
                                        ". Add ?allow_venue_conflict=true if this is intended.",
                                    {{"venue_id", "booked by meeting(s) " + ids}});
        p.type = "/api/problems/venue-conflict";
        return to_response(p);
    } catch (const db::conflict& e) {
        std::vector<field_error> errors;
        if (!e.field.empty()) errors.push_back({e.field, e.what()});
        return to_response(problems::conflict(e.what(), std::move(errors)));
    } catch (const db::unavailable& e) {
        spdlog::warn(R"("event":"database_unavailable","error":{})", boost::json::serialize(boost::json::value(e.what())));
        return to_response(problems::unavailable("The database is not available right now; try again shortly.", 5));
    } catch (const calendar::error& e) {
        return to_response(problems::validation({{"start", e.what()}}));
    } catch (const std::exception& e) {
        spdlog::error(R"("event":"unhandled_exception","error":{})", boost::json::serialize(boost::json::value(e.what())));
    } catch (...) {
        spdlog::error(R"("event":"unhandled_exception","error":"unknown")");
    }
    return to_response(problem(500, "/api/problems/internal", "Internt fel / Internal error",
                               "Something went wrong on our side; it has been logged."));
}

namespace detail {

void register_operation_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    auto& metrics = ctx.metrics;
    const auto& base = ctx.settings.server.public_base_url;

    routes.add(
        "GET", "/",
        [&base](request&) {
            boost::json::object o{{"name", "Kalendarium"},
                                  {"description", "Mötena i Överenskommelsen mellan Borås Stad och Det Idéburna / "
                                                  "The meetings of the Borås compact"},
                                  {"api", base + "/api/v1"},
                                  {"openapi", base + "/api/openapi.json"},
                                  {"meetings", base + "/api/v1/meetings"},
                                  {"health", base + "/healthz"}};
            return json_response(200, boost::json::serialize(o));
        },
        runs_on::io_thread);
    routes.add(
        "GET", "/healthz", [](request&) { return json_response(200, R"({"status":"ok"})"); }, runs_on::io_thread);
    routes.add("GET", "/readyz", [&store](request&) {
        store.ping();
        return json_response(200, R"({"status":"ready"})");
    });
    routes.add(
        "GET", "/metrics",
        [&store, &metrics](request&) {
            response r;
            r.body = metrics.render(store.pool_in_use(), store.pool_size());
            r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            return r;
        },
        runs_on::io_thread);
    routes.add(
        "GET", "/api/openapi.json",
        [](request&) {
            response r;
            r.body = openapi_document();
            r.set_header("Content-Type", "application/json");
            return r;
        },
        runs_on::io_thread);
}

}  // namespace detail
}  // namespace kal::service
