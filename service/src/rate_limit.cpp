#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace kal::service::detail {

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

bool is_trusted(const std::string& address, const std::vector<std::string>& trusted) {
    return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

}  // namespace

std::string client_address(const request& req, const std::vector<std::string>& trusted_proxies) {
    if (trusted_proxies.empty() || !is_trusted(req.remote_address, trusted_proxies)) return req.remote_address;
    auto forwarded = req.header("x-forwarded-for");
    if (!forwarded) return req.remote_address;
    // Several headers were joined with ", " by the server; the list reads client first, then
    // each proxy's peer. Walk from the right past our own proxies.
    std::string_view list = *forwarded;
    std::string last = req.remote_address;
    while (!list.empty()) {
        auto comma = list.rfind(',');
        auto item = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
        if (item.empty()) continue;
        if (item.size() > 45) return last;  // not an address: believe no further
        last = item;
        if (!is_trusted(item, trusted_proxies)) return item;
    }
    return last;
}

std::optional<int> rate_limiter::take(const std::string& key, clock::time_point now) {
    if (per_minute_ <= 0) return std::nullopt;
    const double rate = per_minute_ / 60.0;  // tokens per second
    std::lock_guard lock(mutex_);
    // Forget full buckets now and then, so that many addresses cannot grow the map for ever.
    if (now - last_sweep_ > std::chrono::minutes(1)) {
        std::erase_if(buckets_, [&](const auto& entry) {
            return std::chrono::duration<double>(now - entry.second.updated).count() * rate + entry.second.tokens >=
                   per_minute_;
        });
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(key, bucket{static_cast<double>(per_minute_), now});
    auto& b = it->second;
    if (!fresh) {
        b.tokens = std::min<double>(per_minute_, b.tokens + std::chrono::duration<double>(now - b.updated).count() * rate);
        b.updated = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
}

}  // namespace kal::service::detail
