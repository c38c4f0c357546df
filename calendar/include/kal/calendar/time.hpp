#pragma once
// Time zones, local times and recurrence, on libical. Knows nothing of HTTP, SQL or meetings.
// Local times are "YYYY-MM-DDTHH:MM:SS" (timed) or "YYYY-MM-DD" (all-day) strings; instants
// are Unix seconds.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kal::calendar {

struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Loads libical's built-in zones that the service uses, so that later lookups from several
// threads only read. Call once before the I/O and database threads start.
void warm_up_time_zones(const std::vector<std::string>& tzids);

// True for an IANA zone that libical knows ("Europe/Stockholm", "UTC").
bool is_known_time_zone(std::string_view tzid);

// "2026-03-05T18:00" or "2026-03-05T18:00:00" -> "2026-03-05T18:00:00"; nullopt when malformed
// or not a real calendar date/time (2026-02-30, 24:00).
std::optional<std::string> normalize_local_date_time(std::string_view text);
// "2026-03-05" -> itself; nullopt when malformed or not a real date.
std::optional<std::string> normalize_date(std::string_view text);
// "2026-03-05" -> "2026-03-06"
std::string add_days(std::string_view date, int days);

// Local time in a zone to an instant. A local time skipped by a daylight-saving change
// (02:30 on the last Sunday of March in Stockholm) is read with the offset before the change,
// as RFC 5545 3.3.5 says (so 02:30 CET+1 = 03:30 CEST); a repeated one takes its first
// occurrence. Accepts a timed or a date-only local value (midnight). Throws error.
std::int64_t to_utc(std::string_view local, std::string_view tzid);
// An instant as local time "YYYY-MM-DDTHH:MM:SS" in a zone.
std::string to_local(std::int64_t utc, std::string_view tzid);
// Offset from UTC in seconds at an instant.
int utc_offset_seconds(std::int64_t utc, std::string_view tzid);
// RFC 3339 with the zone's offset at that instant: "2026-03-05T18:00:00+01:00".
std::string format_rfc3339(std::int64_t utc, std::string_view tzid);
// RFC 3339 in UTC: "2026-03-05T17:00:00Z".
std::string format_rfc3339_utc(std::int64_t utc);
// The same two texts in a buffer of their own, for writers that append them to a larger text
// without a string of their own each (the API's meeting list writes five per meeting). They hold
// digits, '-', ':', 'T', '+' and 'Z' only.
struct rfc3339_text {
    char data[32];
    std::size_t size = 0;
    std::string_view view() const { return {data, size}; }
};
rfc3339_text rfc3339(std::int64_t utc, std::string_view tzid);
rfc3339_text rfc3339_utc(std::int64_t utc);
// Parses RFC 3339 with Z or a numeric offset; nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// Validates an RRULE value (without "RRULE:"). Returns an explanation when it is not usable:
// unparsable, COUNT=1, or an UNTIL that is not in UTC for a timed series.
std::optional<std::string> check_rrule(std::string_view rrule, bool all_day);

// The local starts of a series' occurrences, in order, skipping exdates: at most max_count,
// none starting after horizon_local. dtstart_local is the first occurrence (timed or date).
// Throws error for an invalid rule.
std::vector<std::string> expand_rrule(std::string_view rrule, std::string_view dtstart_local, bool all_day,
                                      std::string_view tzid, const std::vector<std::string>& exdates,
                                      std::size_t max_count, std::string_view horizon_local);

}  // namespace kal::calendar
