#pragma once
// The change log (issue 12, item 9): the use cases that change meetings and sign-ups write what
// changed, field by field with before and after, in the unit of work of the change; organisers of
// the meeting and admins read it (change_log_of). A sign-up's entries hold its status and party
// size only, never a name, address or need, so anonymisation leaves nothing of the attendee in
// the log (the name shown comes from the sign-up itself).

#include <string>
#include <vector>

#include "kal/db/change_log.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app::change_log {

// A meeting created ("created"), changed ("changed", one entry per field that differs) or
// cancelled ("cancelled"). Fields: type, title, description, theme, start, end, all_day,
// time_zone, venue, location, online_url, organisation, capacity, registration_deadline, status.
void meeting(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
             const db::meeting* before, const db::meeting& after);
// A series created ("created") or changed ("changed": the template's fields as for a meeting,
// and rrule and exdates), and one of its dates skipped ("skipped", field "occurrence", before:
// the date's local start). Its entries name no meeting: they are read with the series
// (series_to_edit) and with each of its meetings (change_log_of).
void series(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
            const db::series* before, const db::series& after);
void occurrence_skipped(db::unit_of_work& w, const std::optional<principal>& who, db::id_t series_id,
                        const db::meeting& occurrence);
// A venue created ("created") or changed ("changed", one entry per field: name, slug, address,
// capacity, step_free, hearing_loop, accessible_toilet, accessibility_notes, latitude, longitude,
// organisation, shared). Read on the venue's organiser page (venue_to_edit) and with the meetings
// held there (change_log_of).
void venue(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
           const db::venue* before, const db::venue& after);
// A sign-up's status changed ("created", "cancelled", "moved_up"): its status before and after.
void sign_up(db::unit_of_work& w, const std::optional<principal>& who, const std::string& action,
             const db::rsvp& r, const std::string& status_before);

}  // namespace kal::service::app::change_log

namespace kal::service::app {

// The log of a meeting (its sign-ups, series and venue too), newest first: not_found, forbidden
// as every organiser's use case.
std::vector<db::change_entry> change_log_of(context& ctx, const credentials& who, db::id_t meeting_id);

}  // namespace kal::service::app
