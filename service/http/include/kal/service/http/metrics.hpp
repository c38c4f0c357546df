#pragma once
// Prometheus text-format metrics: requests by route and status, a latency histogram, open
// connections, clients that went away mid-request and database pool use. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kal::service::http {

class metrics {
public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void observe(const std::string& route, const std::string& method, int status, double seconds);
    void connection_opened() { ++open_connections_; }
    void connection_closed() { --open_connections_; }
    std::int64_t open_connections() const { return open_connections_; }
    // A peer that went away while we read its request or wrote our answer (reset, broken pipe).
    enum class disconnect_phase { reading, writing };
    void client_disconnected(disconnect_phase phase) {
        ++(phase == disconnect_phase::reading ? disconnects_reading_ : disconnects_writing_);
    }
    std::string render(std::size_t pool_in_use, std::size_t pool_size) const;

private:
    struct histogram {
        std::array<std::uint64_t, buckets.size()> counts{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, histogram> latency_;  // by route
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> disconnects_reading_{0};
    std::atomic<std::uint64_t> disconnects_writing_{0};
};

}  // namespace kal::service::http
