#pragma once
// The sign-up rate limit: a token bucket per client address, in this process's memory. Behind
// several instances each keeps its own buckets, so the limit a client meets is per instance; that
// is documented in docs/operations.md.

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
    explicit rate_limiter(int per_minute) : per_minute_(per_minute) {}

    // Takes one token for `key`; when none is left, the whole seconds until one is.
    std::optional<int> take(const std::string& key, clock::time_point now = clock::now());

private:
    struct bucket {
        double tokens = 0;
        clock::time_point updated;
    };
    int per_minute_;
    std::mutex mutex_;
    std::unordered_map<std::string, bucket> buckets_;
    clock::time_point last_sweep_{};
};

}  // namespace kal::service::app
