#pragma once
// When reminders are due (issue 5), as pure functions the planner and the tests share.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kal/db/outbox.hpp"

namespace kal::service {

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

// The offsets that apply to a meeting: its own, else its type's from mail.reminders.
const std::vector<std::int64_t>& reminder_offsets(const db::reminder_candidate& m,
                                                  const std::map<std::string, std::vector<std::int64_t>>& defaults);

}  // namespace kal::service
