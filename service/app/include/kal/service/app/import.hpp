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

// ---- the organisers' import page (issue 12, item 8; org-dir) ------------------------------------
// Upload, preview, confirm. The uploaded calendar is kept in the database (db::staged_imports)
// under a random id bound to the signed-in session for 15 minutes, so that the confirmation
// imports exactly what the preview showed, whatever the browser sends, on any instance.

inline constexpr std::size_t max_staged_calendar = 512 * 1024;  // bytes of an uploaded file
inline constexpr std::int64_t staged_import_lifetime = 15 * 60;  // seconds

// Checks an upload as import_calendar's dry run does (the caller's rights first; every problem of
// the calendar at once, naming its line or UID) and, when it would import, keeps it for this
// session; returns the id of the preview (new_secret(secret_kind::staged_import); only its hash is
// stored). "file" names an empty file, one over max_staged_calendar or one that is not UTF-8.
// forbidden for credentials that are no session (a token has no preview to come back to).
std::string stage_import(context& ctx, const credentials& who, const import_request& request,
                         const std::string& file_name);

struct staged_preview {
    std::string file_name;
    db::organisation organisation;
    std::string type, status;
    db::instant expires_at = 0;
    import_result preview;  // the dry run, as of now
};
// The dry run of a kept upload, again (the calendar may meet meetings changed since). not_found
// for an id that is malformed, unknown, expired or another session's.
staged_preview staged_import_of(context& ctx, const credentials& who, const std::string& id);
// Imports the kept calendar and forgets it, in one unit of work: what the preview showed.
// not_found as staged_import_of; validation as import_calendar (then nothing is imported and the
// upload stays kept until it expires).
import_result confirm_import(context& ctx, const credentials& who, const std::string& id);
// Forgets expired uploads (the housekeeping pass); returns how many.
int purge_staged_imports(context& ctx);

}  // namespace kal::service::app
