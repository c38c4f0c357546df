#pragma once
// Calendar feeds: which meetings a feed shows, how the model maps onto iCalendar events, and
// an in-memory cache of rendered feeds that the database's change counter invalidates.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kal/calendar/ical.hpp"
#include "kal/config/config.hpp"
#include "kal/db/store.hpp"
#include "kal/service/http.hpp"

namespace kal::service {

// The events of a feed: single meetings, and for each series one master with RRULE and
// EXDATEs (deleted and cancelled occurrences) plus an override per changed occurrence.
// Cancelled single meetings keep their place with STATUS:CANCELLED and "INSTÄLLT: ".
calendar::feed build_feed(const db::feed_snapshot& snapshot, const std::string& name,
                          const config::settings& settings);

// One meeting as the event an invitation carries: the same UID, SEQUENCE, times, place and
// text as in every feed (an occurrence of a series with its RECURRENCE-ID). nullopt when the
// snapshot does not hold the meeting.
std::optional<calendar::event> meeting_event(const db::feed_snapshot& snapshot, db::id_t meeting_id,
                                             const config::settings& settings);

// The Swedish label of a meeting type, as shown in CATEGORIES ("FRÖ-möte", "Stormöte", ...).
std::string meeting_type_label(const std::string& type);

// "Sun, 06 Nov 1994 08:49:37 GMT" and back (IMF-fixdate only; nullopt otherwise).
std::string format_http_date(std::int64_t utc);
std::optional<std::int64_t> parse_http_date(const std::string& text);

// One rendered feed, with what conditional requests need.
struct rendered_feed {
    std::int64_t change_counter = 0;
    std::string day;  // the local date it was rendered for: windows move daily
    std::shared_ptr<const std::string> body;  // shared with every response that sends it
    std::shared_ptr<const body_file> file;    // the same bytes for sendfile(2); may be null
    std::string etag;  // strong, quoted
    std::int64_t last_modified = 0;  // when this instance first rendered these exact bytes
    std::string last_modified_text;  // the same as an HTTP date, formatted once
    std::string filename;
    bool is_private = false;
};

// Answers a GET/HEAD for a rendered feed: 304 for a matching If-None-Match (or, without it, an
// If-Modified-Since not older than Last-Modified), else 200 with the body.
response feed_response(const rendered_feed& feed, const request& req, const config::settings& settings);

class feed_cache {
public:
    explicit feed_cache(const config::settings& settings) : settings_(settings) {}

    // A cached feed for key if it is known to be current, without touching the database;
    // nullopt when the change counter must be read again or the feed rendered.
    std::shared_ptr<const rendered_feed> fresh(const std::string& key, const std::string& day);
    // Call before reading the counter, then observed_counter with what was read: a write
    // through this instance in between is then never missed.
    void begin_counter_check();
    void observed_counter(std::int64_t counter);
    // A cached feed rendered at exactly this counter and day, or null.
    std::shared_ptr<const rendered_feed> at(const std::string& key, std::int64_t counter, const std::string& day);
    std::shared_ptr<const rendered_feed> store(const std::string& key, rendered_feed feed);
    // A write through this instance: the next feed request reads the counter again.
    void note_local_write();

private:
    const config::settings& settings_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const rendered_feed>> entries_;
    std::int64_t known_counter_ = -1;
    std::chrono::steady_clock::time_point checked_at_{};
    bool local_write_ = true;
};

}  // namespace kal::service
