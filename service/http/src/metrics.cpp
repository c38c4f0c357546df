#include "kal/service/http/metrics.hpp"

#include <sstream>

namespace kal::service::http {

namespace {
// Route patterns and methods come from the router's fixed table, never from the request, so
// label values need no escaping beyond what a pattern can contain.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}
}  // namespace

void metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    auto& h = latency_[route];
    for (std::size_t i = 0; i < buckets.size(); ++i)
        if (seconds <= buckets[i]) ++h.counts[i];
    ++h.count;
    h.sum += seconds;
}

std::string metrics::render(std::size_t pool_in_use, std::size_t pool_size) const {
    std::ostringstream out;
    std::lock_guard lock(mutex_);
    out << "# HELP kalendarium_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE kalendarium_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        const auto& [route, method, status] = key;
        out << "kalendarium_http_requests_total{route=\"" << label(route) << "\",method=\"" << method
            << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP kalendarium_http_request_duration_seconds Time from a complete request to its response.\n"
        << "# TYPE kalendarium_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        for (std::size_t i = 0; i < buckets.size(); ++i)
            out << "kalendarium_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\""
                << buckets[i] << "\"} " << h.counts[i] << "\n";
        out << "kalendarium_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\"+Inf\"} "
            << h.count << "\n";
        out << "kalendarium_http_request_duration_seconds_sum{route=\"" << label(route) << "\"} " << h.sum << "\n";
        out << "kalendarium_http_request_duration_seconds_count{route=\"" << label(route) << "\"} " << h.count
            << "\n";
    }
    out << "# HELP kalendarium_open_connections Open HTTP connections.\n"
        << "# TYPE kalendarium_open_connections gauge\n"
        << "kalendarium_open_connections " << open_connections_.load() << "\n"
        << "# HELP kalendarium_http_client_disconnects_total Connections the client closed or reset while a "
           "request was read or its answer written.\n"
        << "# TYPE kalendarium_http_client_disconnects_total counter\n"
        << "kalendarium_http_client_disconnects_total{phase=\"reading\"} " << disconnects_reading_.load() << "\n"
        << "kalendarium_http_client_disconnects_total{phase=\"writing\"} " << disconnects_writing_.load() << "\n"
        << "# HELP kalendarium_db_pool_in_use Database sessions leased.\n"
        << "# TYPE kalendarium_db_pool_in_use gauge\n"
        << "kalendarium_db_pool_in_use " << pool_in_use << "\n"
        << "# HELP kalendarium_db_pool_size Database sessions in the pool.\n"
        << "# TYPE kalendarium_db_pool_size gauge\n"
        << "kalendarium_db_pool_size " << pool_size << "\n";
    return out.str();
}

}  // namespace kal::service::http
