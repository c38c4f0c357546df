#include "kal/service/workers/housekeeping.hpp"

#include "kal/service/app/attendance.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace kal::service::workers {

housekeeping::housekeeping(app::context& ctx) : ctx_(ctx) {
    thread_ = std::jthread([this](std::stop_token stop) {
        while (!stop.stop_requested()) {
            try {
                run_once();
            } catch (const std::exception& e) {
                // The database may be away for a while; the next pass tries again.
                spdlog::warn(R"("event":"anonymise_failed","error":"{}")", e.what());
            }
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, stop, ctx_.settings.rsvps.anonymise_interval, [] { return false; });
        }
    });
}

housekeeping::~housekeeping() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

int housekeeping::run_once() {
    int n = app::anonymise_old_sign_ups(ctx_);
    // Counts only: no one is named in logs.
    if (n > 0) spdlog::info(R"("event":"anonymised","sign_ups":{})", n);
    return n;
}

}  // namespace kal::service::workers
