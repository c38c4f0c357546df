#include "kal/service/app/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace kal::service::app {

std::optional<int> rate_limiter::take(const std::string& key, clock::time_point now) {
    if (burst_ <= 0 || period_.count() <= 0) return std::nullopt;
    const double rate = static_cast<double>(burst_) / static_cast<double>(period_.count());  // tokens per second
    std::lock_guard lock(mutex_);
    // Forget full buckets now and then, so that many addresses cannot grow the map for ever.
    if (now - last_sweep_ > std::chrono::minutes(1)) {
        std::erase_if(buckets_, [&](const auto& entry) {
            return std::chrono::duration<double>(now - entry.second.updated).count() * rate + entry.second.tokens >=
                   burst_;
        });
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(key, bucket{static_cast<double>(burst_), now});
    auto& b = it->second;
    if (!fresh) {
        b.tokens = std::min<double>(burst_, b.tokens + std::chrono::duration<double>(now - b.updated).count() * rate);
        b.updated = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
}

}  // namespace kal::service::app
