#pragma once
// The sign-up rules shared by the repositories that change seats: rsvps, meetings (capacity,
// cancellation, deletion), personal_data (erasure) and reminders. See kal/db/rsvps.hpp for the
// invariants.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db::detail {

// What the sign-up rules need to know of a meeting, read under its lock.
struct meeting_gate {
    meeting_status status = meeting_status::draft;
    instant start_utc = 0;
    std::optional<int> capacity;
    std::optional<instant> registration_deadline_utc;
};

// Every sign-up write starts here: the meeting's row is locked to the end of the transaction
// (FOR UPDATE on PostgreSQL; on SQLite BEGIN IMMEDIATE has serialised all writers already), so
// seat counts and waitlist order read after it cannot change until commit. not_found.
meeting_gate lock_meeting(unit_of_work& w, id_t meeting_id);

std::optional<rsvp> find_rsvp(unit_of_work& w, id_t id);
// A sign-up and its meeting locked, for a write; the sign-up is read after the lock, so its
// status is the one in force. not_found.
std::pair<rsvp, meeting_gate> lock_rsvp(unit_of_work& w, id_t id);
// Sign-ups by id, in id order; ids that do not exist are left out.
std::vector<rsvp> rsvps_by_ids(unit_of_work& w, const std::vector<id_t>& ids);
// Confirmed and waitlisted sign-ups of a meeting that are not anonymised, in sign-up order.
std::vector<rsvp> active_sign_ups(unit_of_work& w, id_t meeting_id);
long long confirmed_seats(unit_of_work& w, id_t meeting_id);

// A known organisation whose name is `name`, compared case-insensitively by the database's own
// lower() on both sides (on SQLite the Unicode one of sqlite_lower.cpp).
std::optional<id_t> organisation_named(unit_of_work& w, const std::string& name);

// The waitlist rule, under the meeting's lock: confirm the head while its whole party fits in
// the free seats (all of them when capacity is unlimited); the first that does not fit stops
// everyone behind it. Returns the promoted sign-ups as stored, in order.
std::vector<rsvp> promote(unit_of_work& w, id_t meeting_id, std::optional<int> capacity);

}  // namespace kal::db::detail
