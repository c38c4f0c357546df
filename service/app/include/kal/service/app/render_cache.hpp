#pragma once
// Answers rendered once and served many times (feeds and public pages), tagged
// with the database's change counter that every feed-visible write raises in its own
// transaction, and with the local day they were rendered for (windows move daily).
//
// Correct across instances: an entry is answered without touching the database only while this
// instance has committed no feed-visible write since it last read the counter and read it within
// feeds.change_poll_interval. Otherwise the caller reads the counter (in the same unit of work
// that would render) and the entry is used only when it was rendered at exactly that counter.
// So another instance's write is seen within the poll interval, this instance's at once.

#include <chrono>
#include <functional>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

struct rendered_answer {
    std::int64_t change_counter = 0;
    std::string day;  // the local date it was rendered for
    std::shared_ptr<const std::string> body;
    std::string etag;                // strong, quoted: a hash of the body
    std::int64_t last_modified = 0;  // when this instance first rendered these exact bytes
    std::string content_type;
    std::string filename;     // for Content-Disposition; may be empty
    bool is_private = false;  // Cache-Control: private (a secret link's answer)
    // What the adapter keeps beside the body to send it faster (a memory file for sendfile(2)).
    std::shared_ptr<const void> sendable;
    // After this the entry is not used, whatever the counter says: for answers that show what the
    // counter does not follow (seats, attendance). Feeds never expire.
    std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
};

class render_cache {
public:
    render_cache(const config::settings& settings, const db::database& database);

    // A current entry for key, without touching the database; null when the counter must be
    // read again or the entry rendered.
    std::shared_ptr<const rendered_answer> fresh(const std::string& key, const std::string& day);
    // Call before reading the counter, then observed() with what was read: a write through this
    // instance in between is then never missed.
    std::uint64_t before_counter_read() const;
    void observed(std::int64_t counter, std::uint64_t local_writes_before);
    // The entry rendered at exactly this counter and day, or null.
    std::shared_ptr<const rendered_answer> at(const std::string& key, std::int64_t counter, const std::string& day);
    // Sets the ETag and keeps last_modified of identical bytes; returns the stored entry.
    std::shared_ptr<const rendered_answer> store(const std::string& key, rendered_answer answer);
    // What the adapter keeps beside each stored body (rendered_answer::sendable), made once per
    // entry when it is stored. Set once, before serving.
    void attach_with(std::function<std::shared_ptr<const void>(const std::string& body)> make);

    // What the entries hold: at most feeds.cache_entries of them and feeds.cache_memory bytes
    // (keys, bodies and their memory files). Past either bound the least recently used go, so a
    // flood of distinct queries pushes out its own entries first and never grows the cache.
    std::size_t memory_used();
    std::size_t size();

private:
    struct slot {
        std::shared_ptr<const rendered_answer> answer;
        std::size_t cost = 0;
        std::list<std::string>::iterator use;  // its place in uses_, most recent first
    };
    // The entry under key, marked as used; null when there is none. Under mutex_.
    const rendered_answer* touch(const std::string& key, std::map<std::string, slot>::iterator& it);

    const config::settings& settings_;
    const db::database& database_;
    std::mutex mutex_;
    std::map<std::string, slot> entries_;
    std::list<std::string> uses_;
    std::size_t memory_ = 0;
    std::int64_t known_counter_ = -1;
    std::uint64_t known_local_writes_ = 0;
    std::chrono::steady_clock::time_point checked_at_{};
    std::function<std::shared_ptr<const void>(const std::string&)> attach_;
};

// Whether a request may be answered from, and stored in, the cache shared by everyone: not when
// it carries credentials (an Authorization header of any kind, or a session cookie), whose
// answer may hold what only that caller sees.
bool may_use_shared_cache(const std::optional<std::string>& authorization, const std::optional<std::string>& cookie);

// An answer that `render` makes with units of work of its own (a page over one or more use
// cases), from the cache when current, else rendered and cached under `key` for `day`. The change
// counter is read in a small unit of its own BEFORE render runs, so what an entry shows is never
// older than the counter it is tagged with, and it is used only while the counter stays there (a
// write that lands during the render makes the next request render again). Entries expire after
// max_age, for what the counter does not follow: sign-ups and check-ins (seats, attendance) and
// the clock (held or planned). `render` returns nullopt for an answer that must not be cached
// (the caller keeps it); then nothing is stored and nullptr is returned.
std::shared_ptr<const rendered_answer> cached_render(context& ctx, const std::string& key, const std::string& day,
                                                     std::chrono::milliseconds max_age,
                                                     const std::function<std::optional<rendered_answer>()>& render);

}  // namespace kal::service::app
