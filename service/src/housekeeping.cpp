#include "kal/service/housekeeping.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace kal::service {

housekeeping::housekeeping(const config::settings& settings, db::store& store) : settings_(settings), store_(store) {
    thread_ = std::jthread([this](std::stop_token stop) {
        while (!stop.stop_requested()) {
            try {
                run_once();
            } catch (const std::exception& e) {
                // The database may be away for a while; the next pass tries again.
                spdlog::warn(R"("event":"anonymise_failed","error":"{}")", e.what());
            }
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, stop, settings_.rsvps.anonymise_interval, [] { return false; });
        }
    });
}

housekeeping::~housekeeping() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

int housekeeping::run_once() {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::int64_t ended_before = now - std::int64_t{settings_.rsvps.anonymise_after_days} * 86400;
    int n = store_.anonymise_rsvps_before(ended_before);
    // Counts only: no one is named in logs.
    if (n > 0) spdlog::info(R"("event":"anonymised","sign_ups":{})", n);
    return n;
}

}  // namespace kal::service
