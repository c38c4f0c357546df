#pragma once
// The rules of meetings shared by meetings.cpp (single meetings) and series.cpp (series and their
// occurrences): references, venue bookings, SEQUENCE, and the row writes.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/meetings.hpp"

namespace kal::db::detail {

// Unknown organisation, venue or networks: invalid_reference naming the field. Locks the venue's
// row on PostgreSQL (FOR UPDATE) so that concurrent bookings of one venue are checked one after
// the other.
void check_references(unit_of_work& w, const meeting_fields& f);

// Throws venue_conflict when another non-cancelled meeting at f's venue overlaps [start, end).
// `self` is left out, and so are the meetings of `own_series` (its occurrences are replaced
// together). Nothing to check for overlap::allow, no venue, or a cancelled meeting.
void check_overlap(unit_of_work& w, const meeting_fields& f, id_t self, std::optional<id_t> own_series,
                   venue_overlap overlap);

std::optional<meeting> meeting_by_id(unit_of_work& w, id_t id);  // with networks and documents
std::vector<meeting> meetings_of_series(unit_of_work& w, id_t series_id);  // by start, with links
id_t insert_meeting(unit_of_work& w, const meeting& m);  // with its links; returns the new id
void update_meeting_row(unit_of_work& w, const meeting& m);  // with its links

// A new iCalendar UID: 128 random bits in hex, "@kalendarium".
std::string new_uid();

// Which of time, place and status differ.
meeting_changes changes_between(const meeting_fields& before, const meeting_fields& after);
bool any_field_changed(const meeting_fields& before, const meeting_fields& after);
// More seats than before, or no limit any more: the waitlist may move.
bool capacity_raised(std::optional<int> before, std::optional<int> after);

// Locks the meeting, reads its active sign-ups and deletes it (with everything hanging off it).
meeting_removal remove_meeting_row(unit_of_work& w, const meeting& m);

}  // namespace kal::db::detail
