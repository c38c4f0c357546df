#pragma once
// Importing an iCalendar file (an organisation's own calendar) as meetings: created or updated
// by UID, all or nothing. Events are parsed by calendar/ (libical); here are the rules that map
// them onto meetings. Every problem is reported at once, naming its line or UID.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

// As the request gave it; every part is checked after the caller's rights.
struct import_request {
    std::optional<error> unreadable_body;   // e.g. a body that is not text/calendar (415)
    std::optional<std::string> organisation;  // id or slug (required)
    std::optional<std::string> type;          // the type of new meetings; default other
    std::optional<std::string> status;        // draft | published (default)
    std::optional<std::string> dry_run;       // "true": check and show, save nothing
    std::string calendar;                     // the text/calendar body
};

struct imported_meeting {
    bool created = false;  // created, or an existing meeting with the UID updated
    db::meeting meeting;   // as stored (id 0 in a dry run of a new one)
};

// Every event becomes a meeting or the whole import fails with validation naming each problem
// ("line 12: DTSTART", "UID x: SUMMARY"); an empty calendar is refused likewise. Recurring events
// are not imported (create a series), and a UID that belongs to a series or to another
// organisation's meeting is refused. All UIDs are resolved in one query.
struct import_result {
    bool dry_run = false;
    std::vector<imported_meeting> items;
};
import_result import_calendar(context& ctx, const credentials& who, const import_request& request);

}  // namespace kal::service::app
