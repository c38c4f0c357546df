#pragma once
// Reminder planning: which meetings may need reminders, a meeting's own reminder offsets, and
// the plans that make each reminder happen once per (meeting, start, offset) across instances.
// The application layer computes when an offset is due and writes the messages; nothing here
// changes what feeds show.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// A published meeting with confirmed sign-ups that may need reminders.
struct reminder_candidate {
    id_t meeting_id = 0;
    meeting_type type = meeting_type::other;
    bool all_day = false;
    std::string start_local;
    std::string time_zone;
    instant start_utc = 0;
    std::optional<std::vector<std::int64_t>> offsets;  // the meeting's own, else nullopt: its type's
};

// One reminder of one meeting: `offset_seconds` before the start `start_utc`.
struct reminder_key {
    id_t meeting_id = 0;
    instant start_utc = 0;
    std::int64_t offset_seconds = 0;
};

struct reminder_batch {
    // Confirmed, not anonymised sign-ups made at or before the due instant, in sign-up order,
    // after the batch's cursor: each should get a reminder (the caller writes them in the same
    // unit of work, with a dedup key of its own per sign-up and reminder).
    std::vector<rsvp> to_remind;
    // Set when more sign-ups may follow: pass it as `after` to the next batch. Unset: the plan
    // is complete and recorded in this unit of work.
    std::optional<id_t> next_after;
};

class reminders {
public:
    explicit reminders(unit_of_work& w) : w_(w) {}

    // Published meetings starting in (from_utc, to_utc] with confirmed, not anonymised sign-ups,
    // by start then id.
    std::vector<reminder_candidate> candidates(instant from_utc, instant to_utc);

    // One batch of planning reminder `key`, due at `due_utc`. nullopt when the reminder has been
    // planned before (by any instance). Otherwise up to `limit` sign-ups with ids above `after`
    // to remind; the batch that returns no next_after records the plan (at now), so later calls
    // return nullopt.
    //
    // Each batch is its own short unit of work and holds the meeting's lock only while it runs
    // (the same lock sign-ups take, so the sign-ups it reads are all that were made before it),
    // so planning thousands of reminders in batches never blocks sign-ups for long. A batch that
    // is interrupted (crash, failure) leaves no plan: planning starts again from after = 0 and
    // the caller's dedup keys keep the messages already written from being written twice.
    //
    // skip (too late after downtime), a meeting no longer published, or one whose start is no
    // longer key.start_utc: nobody to remind; the plan is recorded at once (so it is not asked
    // again) and the batch is empty. not_found for an unknown meeting.
    std::optional<reminder_batch> plan(const reminder_key& key, instant due_utc, bool skip, id_t after = 0,
                                       std::size_t limit = std::numeric_limits<std::size_t>::max());

    // A meeting's own reminder offsets (seconds before the start; empty = no reminders), or
    // nullopt for its type's defaults. not_found for an unknown meeting.
    void set_offsets(id_t meeting_id, const std::optional<std::vector<std::int64_t>>& offsets);
    std::optional<std::vector<std::int64_t>> offsets(id_t meeting_id);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
