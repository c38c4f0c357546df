#pragma once
// What the organisers' pages read and do beyond the API's use cases (issue 12): the Översikt of
// a signed-in organiser. Plain use cases like the rest of app/: no HTTP, no HTML.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kal/db/change_log.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/listings.hpp"

namespace kal::service::app {

struct overview_meeting {
    db::meeting meeting;
    availability seats;
    int failed_messages = 0;                    // messages of the meeting that could not be sent
    std::vector<db::meeting> venue_conflicts;   // other meetings (not cancelled) at its venue at an overlapping time
};

struct organiser_overview {
    bool admin = false;
    std::vector<db::organisation> organisations;  // the user's (an admin: none, it sees every one)
    std::vector<overview_meeting> coming;  // published and cancelled, not ended, the next 50 in start order
    // The coming meetings after those 50 (of up to 200 read per organisation): how many (at least
    // that many when an organisation has more than 200 coming), and those of them that need
    // attention, so that nothing needing attention hides behind the fiftieth.
    int more_coming = 0;
    bool more_than_read = false;
    std::vector<overview_meeting> later_needing_attention;
    std::vector<overview_meeting> drafts;  // drafts that have not ended, in start order
    surroundings around;                   // venues, organisations of all the meetings above
    // The FRÖ target of this year (reports.targets, calendar.default_time_zone) and how far it
    // is: FRÖ-möten held and planned (published) this year. No target: nullopt.
    int year = 0;
    int fro_held = 0, fro_planned = 0;
    std::optional<int> fro_target;
};

// Whether a coming meeting needs its organiser: more people confirmed than it has places,
// messages that could not be sent, or its venue booked for another meeting at the same time.
bool needs_attention(const overview_meeting& o);

// The Översikt of the signed-in user (a session or a user's token): the meetings of its
// organisations (an admin's: every organisation's). unauthenticated without a user.
organiser_overview organiser_overview_of(context& ctx, const credentials& who);

// ---- the meeting form --------------------------------------------------------------------------

// What the meeting form offers: the organisations the user may write for (every one for an
// admin), every network and venue, each list by Swedish name. unauthenticated without a user.
struct meeting_form_choices {
    std::vector<db::organisation> organisations;
    std::vector<db::network> networks;
    std::vector<db::venue> venues;
};
meeting_form_choices meeting_form_choices_of(context& ctx, const credentials& who);

// A meeting as its organiser edits it: not_found for a missing meeting or a draft the caller may
// not see (as the API), forbidden unless the caller may write for its organisation.
struct editable_meeting {
    db::meeting meeting;
    int sign_ups = 0;  // active sign-ups (confirmed and waitlisted): the people a cancellation mails
    int people = 0;    // their party sizes
    // Those of them that deleting the meeting now would mail a cancellation (mail_policy::
    // deleting_tells: none for a draft, a cancelled or an ended meeting, or without mail).
    int told_if_deleted = 0;
    std::optional<db::series> series;  // an occurrence's series
};
editable_meeting meeting_to_edit(context& ctx, const credentials& who, db::id_t id);

// ---- series without RRULE -----------------------------------------------------------------------

// A repetition as the series form asks for it: every week or every other week on a weekday, or
// monthly on the first <weekday>; from a date, until a date or for a number of times.
struct repetition_input {
    std::optional<std::string> repeat;      // weekly | every_other_week | monthly_first
    std::optional<std::string> weekday;     // MO TU WE TH FR SA SU
    std::optional<std::string> from_date;   // YYYY-MM-DD: the first occurrence is on or after it
    std::optional<std::string> until_date;  // YYYY-MM-DD, the last day; or
    std::optional<std::string> count;       // how many times, 1 to 200
};
struct repetition {
    std::string rrule;       // "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"
    std::string first_date;  // the first occurrence's date
};
// The RRULE of a repetition, and the date of its first occurrence. Problems are added to
// `errors` naming repeat, weekday, from_date, until or count (the result is then unusable).
repetition repetition_of(const repetition_input& in, field_errors& errors);

// A series as its organiser edits it: not_found / forbidden as meeting_to_edit; its
// occurrences in start order (drafts and cancelled ones too) with their seats, and the series'
// own change log (created, changed field by field, dates skipped), newest first.
struct editable_series {
    db::series series;
    std::vector<db::meeting> occurrences;
    std::map<db::id_t, availability> seats;  // by occurrence
    // By occurrence: the active sign-ups skipping it now would mail a cancellation (0: nobody).
    std::map<db::id_t, int> told_if_skipped;
    std::vector<db::change_entry> changes;
};
editable_series series_to_edit(context& ctx, const credentials& who, db::id_t id);

// Skips one occurrence of a series: it is deleted and becomes an exception of its series (a date
// the rule no longer gives). Like deleting a meeting, in the same unit of work everyone signed up
// for it is mailed a cancellation (mail_policy::meeting_deleted: when it is published and not
// ended); returns how many were. not_found unless the meeting is an occurrence of that series;
// forbidden as update_series.
int skip_occurrence(context& ctx, const credentials& who, db::id_t series_id, db::id_t meeting_id);

// The meetings of `ids` the caller may see (a venue conflict names them), in the order given.
std::vector<db::meeting> visible_meetings(context& ctx, const credentials& who, const std::vector<db::id_t>& ids);

}  // namespace kal::service::app
