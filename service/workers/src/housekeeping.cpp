#include "kal/service/workers/housekeeping.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "kal/service/app/accounts.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/delivery.hpp"
#include "kal/service/app/import.hpp"

namespace kal::service::workers {

housekeeping::housekeeping(app::context& ctx) : ctx_(ctx) {
    thread_ = std::jthread([this](std::stop_token stop) {
        const auto hourly = ctx_.settings.rsvps.anonymise_interval;
        const auto pass = std::min<std::chrono::milliseconds>(hourly, activity_interval);
        auto last_hourly = std::chrono::steady_clock::time_point{};
        while (!stop.stop_requested()) {
            if (std::chrono::steady_clock::now() - last_hourly >= hourly) {
                last_hourly = std::chrono::steady_clock::now();
                try {
                    run_once();
                } catch (const std::exception& e) {
                    // The database may be away for a while; the next pass tries again.
                    spdlog::warn(R"("event":"anonymise_failed","error":"{}")", e.what());
                }
            }
            record_activity();
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, stop, pass, [] { return false; });
        }
    });
}

housekeeping::~housekeeping() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    record_activity();
}

void housekeeping::record_activity() {
    try {
        app::record_session_activity(ctx_);
    } catch (const std::exception& e) {
        // Kept for the next pass (a database error's text names no value: db/errors.hpp).
        spdlog::warn(R"("event":"session_activity_failed","error":"{}")", e.what());
    }
}

int housekeeping::run_once() {
    int n = app::anonymise_old_sign_ups(ctx_);
    // Counts only: no one is named in logs.
    if (n > 0) spdlog::info(R"("event":"anonymised","sign_ups":{})", n);
    auto [sessions, links] = app::purge_sign_ins(ctx_);
    if (sessions + links > 0) spdlog::info(R"("event":"sign_ins_purged","sessions":{},"links":{})", sessions, links);
    if (auto messages = app::purge_finished_messages(ctx_); messages > 0)
        spdlog::info(R"("event":"outbox_purged","messages":{})", messages);
    // Calendars uploaded for an import's preview and never confirmed (app/import.hpp).
    if (auto uploads = app::purge_staged_imports(ctx_); uploads > 0)
        spdlog::info(R"("event":"staged_imports_purged","uploads":{})", uploads);
    return n;
}

}  // namespace kal::service::workers
