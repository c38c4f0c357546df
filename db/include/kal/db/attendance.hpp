#pragma once
// Attendance: who came to a meeting (check-ins at the door) and the counts of who signed up and
// who came. No write here changes what feeds show.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

struct check_in_result {
    checkin stored;
    bool created = false;  // false: this person was already checked in (the existing one)
};

struct head_count {
    int entries = 0;  // sign-ups or check-ins
    int people = 0;   // their party sizes summed
    bool operator==(const head_count&) const = default;
};

// An organisation represented at a meeting: signed up (confirmed or waitlisted) or present.
struct organisation_presence {
    std::optional<id_t> organisation_id;  // empty for a free-text name
    std::string name;                     // the organisation's name, or the free text
    head_count signed_up;
    head_count attended;
};

// Who signed up for a meeting and who came. Counts only, and organisations: no person.
struct meeting_attendance {
    id_t meeting_id = 0;
    std::optional<int> capacity;
    head_count confirmed, waitlisted, cancelled;
    head_count checked_in;  // every check-in: sign-ups and walk-ins
    head_count walk_ins;    // check-ins without a sign-up
    head_count no_shows;    // confirmed sign-ups without a check-in
    std::vector<organisation_presence> organisations;  // ordered by name
};

class attendance {
public:
    explicit attendance(unit_of_work& w) : w_(w) {}

    // Checks in a sign-up (c.rsvp_id; people 0 = its party size) or a walk-in (c.name and
    // organisation; people 0 = 1), at now. Idempotent under any concurrency: the same sign-up, or
    // the same walk-in name and organisation (case-insensitive), at the same meeting is one
    // check-in (the meeting's lock orders them and a unique index on the person decides), and the
    // existing one is returned with created = false.
    // not_found: unknown meeting. conflict("meeting"): a draft or cancelled meeting.
    // invalid_reference("rsvp"): a sign-up of another meeting, or anonymised.
    // invalid_reference("organisation"): an unknown organisation id.
    // invalid_value: people < 0 ("people"), a walk-in without a name ("name").
    check_in_result check_in(checkin c);
    // Undoes a check-in. not_found when the meeting has no such check-in.
    void undo_check_in(id_t meeting_id, id_t checkin_id);
    std::vector<checkin> list(id_t meeting_id);  // in check-in order
    // Attendance of many meetings with a constant number of statements per 500 meetings, in the
    // order asked; unknown ids are left out.
    std::vector<meeting_attendance> of(const std::vector<id_t>& meeting_ids);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
