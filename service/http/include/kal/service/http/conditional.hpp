#pragma once
// Conditional requests (RFC 9110 section 13) for answers that carry a strong ETag and a
// Last-Modified instant: the feeds of the API and the cached pages of the web adapter.

#include <cstdint>
#include <optional>
#include <string>

#include "kal/service/http/message.hpp"

namespace kal::service::http {

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate) for seconds since the epoch, and back (nullopt
// for anything else).
std::string http_date(std::int64_t utc);
std::optional<std::int64_t> parse_http_date(const std::string& text);

// If-None-Match against a strong, quoted etag, compared weakly; "*" matches.
bool etag_matches(const std::string& if_none_match, const std::string& etag);

// Whether `req` may be answered 304: a matching If-None-Match, or, without one, an
// If-Modified-Since not older than last_modified.
bool not_modified(const request& req, const std::string& etag, std::int64_t last_modified);

}  // namespace kal::service::http
