#pragma once
// Background work of a serving process: for now the anonymisation of sign-ups after their
// meetings (rsvps.anonymise_after_days), every rsvps.anonymise_interval and once at start. Safe
// with several instances on one database: anonymising is an idempotent UPDATE.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "kal/config/config.hpp"
#include "kal/db/store.hpp"

namespace kal::service {

class housekeeping {
public:
    housekeeping(const config::settings& settings, db::store& store);
    ~housekeeping();  // stops the thread (waits for a running pass to finish)
    housekeeping(const housekeeping&) = delete;
    housekeeping& operator=(const housekeeping&) = delete;

    // One pass now, on the calling thread; returns how many sign-ups were anonymised.
    int run_once();

private:
    const config::settings& settings_;
    db::store& store_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace kal::service
