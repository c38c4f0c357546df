#pragma once
// Reminders before meetings (mail.reminders per type, or a meeting's own): when each is due, as
// pure functions the planner and the tests share, and the planning itself, which writes them into
// the outbox once per (meeting, start, offset) whatever the instances.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kal/db/reminders.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

// The instant a reminder `offset_seconds` before a meeting is due.
// - Whole days keep the meeting's local time of day in its own zone: "one day before" a meeting
//   at 18:00 is 18:00 the calendar day before, whatever daylight saving did in between. The
//   local time is turned into an instant by the zone's rules for that day (calendar::to_utc, as
//   RFC 5545 reads local times: one that does not exist is moved forward by the gap, one that
//   exists twice is the first, the summer-time one).
// - Other offsets (hours, minutes, or days with hours) are exact durations before the start.
// - All-day meetings: day offsets at 09:00 local that many days before the start date; other
//   offsets before local midnight at the start.
std::int64_t reminder_due_utc(const db::reminder_candidate& m, std::int64_t offset_seconds);

enum class reminder_decision { not_yet, send, skip_late, too_late };

// not_yet before `due`; send within `grace` after it (and before the start); later than that
// (the service was down) send only while the meeting is at least `min_lead` away, else
// skip_late; too_late once the meeting has started.
reminder_decision decide_reminder(std::int64_t due, std::int64_t start_utc, std::int64_t now, std::int64_t grace,
                                  std::int64_t min_lead);

using reminder_defaults = std::map<db::meeting_type, std::vector<std::int64_t>>;
// mail.reminders by type; config_error naming the key for a type that is not a meeting type.
reminder_defaults reminder_defaults_of(const config::settings& settings);

// The offsets that apply to a meeting: its own, else its type's.
const std::vector<std::int64_t>& reminder_offsets(const db::reminder_candidate& m, const reminder_defaults& defaults);

// Plans every reminder that is due now: for each, the confirmed sign-ups made before it was
// due get one message each. Planning goes in batches of `batch_size` sign-ups, each its own
// short unit of work, so that a meeting's sign-ups are never blocked for long. Returns how many
// messages were written.
int plan_due_reminders(context& ctx, std::size_t batch_size = 200);

// A meeting's reminders: its own offsets (nullopt: its type's) and those in force.
struct meeting_reminders {
    db::meeting meeting;
    std::optional<std::vector<std::int64_t>> own;
    std::vector<std::int64_t> in_force;
};
meeting_reminders reminders_of(context& ctx, const credentials& who, db::id_t meeting_id);
// offsets: nullopt for the type's defaults; each from 1 minute to 90 days, at most 10.
struct reminders_input {
    unreadable_input unreadable;
    bool given = false;  // the request said which (null is "the defaults")
    std::optional<std::vector<std::string>> offsets;  // "7d", "1d", "2h", "30m"
};
meeting_reminders set_reminders(context& ctx, const credentials& who, db::id_t meeting_id, const reminders_input& in);

// "7d", "1d", "2h", "30m" for an offset in seconds (the largest unit that divides it).
std::string offset_text(std::int64_t seconds);

}  // namespace kal::service::app
