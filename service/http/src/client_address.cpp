#include "kal/service/http/client_address.hpp"

#include <algorithm>

namespace kal::service::http {

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

}  // namespace kal::service::http
