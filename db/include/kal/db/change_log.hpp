#pragma once
// The change log (issue 12, item 9): who changed what and when, for meetings, series, venues and
// sign-ups. Written by the use cases in the unit of work of the change (so an entry exists
// exactly when its change was committed); read per meeting. A sign-up's entries hold only its
// status and party size: the log keeps no attendee's name, address or needs (the reader takes
// the name from the sign-up, which anonymisation blanks).

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

struct change_entry {
    id_t id = 0;
    instant at = 0;
    std::string subject;  // meeting | series | venue | sign_up
    id_t subject_id = 0;
    std::optional<id_t> meeting_id;
    std::optional<id_t> rsvp_id;
    std::string action;  // created | changed | cancelled | moved_up | ...
    std::string field;   // for "changed": the field's name
    std::string before, after;
    std::optional<id_t> user_id;
    std::optional<id_t> api_token_id;
    // When read: the user's name (or address) as it is now, and the sign-up's name as it is now
    // (empty once anonymised).
    std::string user_name;
    std::string sign_up_name;
};

class change_log {
public:
    explicit change_log(unit_of_work& w) : w_(w) {}
    // Writes one entry at now. invalid_value("subject") for an unknown subject.
    void record(const change_entry& e);
    // The entries of a meeting, and of its series and venue, newest first, at most `limit`.
    std::vector<change_entry> of_meeting(id_t meeting_id, int limit = 500);
    // The entries of one series or venue (subject "series" or "venue"), newest first, at most
    // `limit` (org-dir: the series' and the venue's organiser pages).
    std::vector<change_entry> of_subject(const std::string& subject, id_t subject_id, int limit = 500);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
