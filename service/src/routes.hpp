#pragma once
// Route registration per area (private to service/).

#include "kal/service/api.hpp"

namespace kal::service::detail {
void register_directory_routes(router& routes, app_context& ctx);  // organisations, networks, venues
void register_meeting_routes(router& routes, app_context& ctx);    // meetings, series
void register_operation_routes(router& routes, app_context& ctx);  // health, metrics, openapi
void register_feed_routes(router& routes, app_context& ctx);       // feeds, feed tokens, import
void register_rsvp_routes(router& routes, app_context& ctx);       // sign-ups
void register_attendance_routes(router& routes, app_context& ctx); // check-ins, personal data
void register_report_routes(router& routes, app_context& ctx);     // the yearly follow-up
void register_message_routes(router& routes, app_context& ctx);    // mail sent, reminders, cancel page
}  // namespace kal::service::detail
