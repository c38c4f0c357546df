#pragma once
// Background work of a serving process: for now the anonymisation of sign-ups after their
// meetings (rsvps.anonymise_after_days), every rsvps.anonymise_interval and once at start. Safe
// with several instances on one database: anonymising is an idempotent UPDATE.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "kal/service/app/context.hpp"

namespace kal::service::workers {

class housekeeping {
public:
    explicit housekeeping(app::context& ctx);
    ~housekeeping();  // stops the thread (waits for a running pass to finish)
    housekeeping(const housekeeping&) = delete;
    housekeeping& operator=(const housekeeping&) = delete;

    // One pass now, on the calling thread; returns how many sign-ups were anonymised.
    int run_once();

private:
    app::context& ctx_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace kal::service::workers
