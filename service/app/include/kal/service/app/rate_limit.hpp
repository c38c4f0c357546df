#pragma once
// Rate limits: a token bucket per key (a client address, an e-mail address), in this process's
// memory. Behind several instances each keeps its own buckets, so the limit a client meets is per
// instance; that is documented in docs/operations.md. Used for sign-ups (per minute) and for
// requests of sign-in links (per hour).

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kal::service::app {

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;
    // per_minute tokens a minute, at most per_minute at once; 0 = unlimited.
    explicit rate_limiter(int per_minute) : rate_limiter(per_minute, std::chrono::minutes(1)) {}
    // `burst` tokens per `period`, refilled evenly, at most `burst` at once; 0 = unlimited.
    rate_limiter(int burst, std::chrono::seconds period) : burst_(burst), period_(period) {}

    // Takes one token for `key`; when none is left, the whole seconds until one is.
    std::optional<int> take(const std::string& key, clock::time_point now = clock::now());

private:
    struct bucket {
        double tokens = 0;
        clock::time_point updated;
    };
    int burst_;
    std::chrono::seconds period_;
    std::mutex mutex_;
    std::unordered_map<std::string, bucket> buckets_;
    clock::time_point last_sweep_{};
};

}  // namespace kal::service::app
