#pragma once
// Calendars uploaded on the organisers' import page (issue 12, item 8), kept between the preview
// and the confirmation: the organiser sees what an import would create and update (a dry run),
// and the confirmation imports exactly the calendar that was previewed, read back from here and
// never sent again by the browser. A staged calendar belongs to one session (it goes with the
// session, ON DELETE CASCADE) and is found only by the hash of its random id, before it expires.

#include <optional>
#include <string>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

struct staged_import {
    id_t id = 0;
    std::string token_hash;  // the hash of the random id the preview's address carries
    id_t session_id = 0;
    id_t organisation_id = 0;
    std::string meeting_type;  // of new meetings, as import_request::type
    std::string status;        // draft | published
    std::string file_name;     // as the browser named the file (shown on the preview)
    std::string calendar;      // the text/calendar body
    instant created_at = 0;
    instant expires_at = 0;
};

class staged_imports {
public:
    explicit staged_imports(unit_of_work& w) : w_(w) {}
    // Keeps a calendar (created_at is now); returns its id. conflict("token_hash") when the hash
    // is taken (never, for 256 random bits).
    id_t stage(const staged_import& s);
    // The staged calendar with this hash, of this session, not yet expired at `now` (passed in:
    // a read unit has no clock).
    std::optional<staged_import> find(const std::string& token_hash, id_t session_id, instant now);
    // Deletes one (the confirmation takes it); true when it was there.
    bool remove(id_t id);
    // Deletes every expired one; returns how many.
    int purge();

private:
    unit_of_work& w_;
};

}  // namespace kal::db
