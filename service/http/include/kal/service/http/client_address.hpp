#pragma once
// The client's address: the connection's peer, or, when that peer is a trusted proxy
// (rsvps.trusted_proxies), the rightmost address of X-Forwarded-For that is not a trusted proxy
// (the one the proxies saw). The entries to its left are the client's own word.

#include <string>
#include <vector>

#include "kal/service/http/message.hpp"

namespace kal::service::http {

std::string client_address(const request& req, const std::vector<std::string>& trusted_proxies);

}  // namespace kal::service::http
