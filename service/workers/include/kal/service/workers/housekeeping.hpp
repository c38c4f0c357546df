#pragma once
// Background work of a serving process:
// - every rsvps.anonymise_interval and once at start: the anonymisation of sign-ups after their
//   meetings (rsvps.anonymise_after_days), and deleting sessions and sign-in links that can no
//   longer be used;
// - every activity_interval (and once more when it stops): writing the sessions' activity that
//   requests noted (app::record_session_activity), so that a session in use is not taken for
//   idle.
// Safe with several instances on one database: anonymising and purging are idempotent, and
// activity only ever raises last_seen_at.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kal/service/app/context.hpp"

namespace kal::service::workers {

class housekeeping {
public:
    // How often noted session activity is written.
    static constexpr std::chrono::seconds activity_interval{30};

    explicit housekeeping(app::context& ctx);
    ~housekeeping();  // stops the thread (waits for a running pass to finish), writes the last activity
    housekeeping(const housekeeping&) = delete;
    housekeeping& operator=(const housekeeping&) = delete;

    // One pass of the hourly work now, on the calling thread; returns how many sign-ups were
    // anonymised.
    int run_once();

private:
    void record_activity();

    app::context& ctx_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace kal::service::workers
