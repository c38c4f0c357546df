#pragma once
// Meetings and series: the rules for what a meeting may be (times in its own zone, references,
// limits), who may see and change it, and what people signed up for it are told when it changes.
// The adapters read their input (JSON, a form) into meeting_input; every rule is here.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/meetings.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

// absent (unchanged) / present but null (cleared) / a value.
template <class T>
using nullable = std::optional<std::optional<T>>;

struct document_input {
    std::optional<std::string> title;
    std::optional<std::string> url;
};

// The fields of a meeting as given: absent fields keep their value on a change (or the default
// on a create). Texts are as typed; every rule (length, line breaks, time, zone, URL, range) is
// checked by the use case, which names the field of every problem at once.
struct meeting_input {
    // What the adapter could not read (a body that is not JSON, a number given as text). Reported
    // after the caller's rights are checked, with the use case's own findings, in one answer.
    unreadable_input unreadable;

    std::optional<std::string> type;
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::string> theme;
    std::optional<bool> all_day;
    // Timed: a local date and time "YYYY-MM-DDTHH:MM[:SS]"; all-day: a date, end being the last day.
    std::optional<std::string> start;
    std::optional<std::string> end;
    std::optional<std::string> time_zone;
    nullable<db::id_t> venue_id;
    std::optional<std::string> location;
    std::optional<std::string> online_url;
    std::optional<db::id_t> organisation_id;
    std::optional<std::vector<db::id_t>> network_ids;
    nullable<std::int64_t> capacity;
    // RFC 3339 with an offset, or a local date and time in the meeting's zone.
    nullable<std::string> registration_deadline;
    std::optional<std::string> status;  // draft | published (cancel with cancel_meeting)
    std::optional<std::vector<document_input>> documents;
};

struct series_input : meeting_input {
    std::optional<std::string> rrule;  // RFC 5545, with or without "RRULE:"
    std::optional<std::vector<std::string>> exdates;
};

// Applies `in` to `m` (a new meeting when creating) and checks the whole result. Adds every
// problem to `errors`, naming its field; changes `m` only where the input was valid.
void apply_meeting_input(const meeting_input& in, db::meeting_fields& m, bool creating, bool in_series,
                         const config::settings& settings, field_errors& errors);

// A point in time given as a date ("YYYY-MM-DD", midnight in `time_zone`) or RFC 3339 with an
// offset; nullopt when it is neither.
std::optional<std::int64_t> parse_instant(const std::string& text, const std::string& time_zone);

// What lists of meetings may ask for; network, organisation and venue by id or slug (an unknown
// slug matches nothing).
struct meeting_query {
    std::optional<std::int64_t> from_utc;
    std::optional<std::int64_t> to_utc;
    std::vector<db::meeting_type> types;
    std::vector<db::meeting_status> statuses;
    std::optional<std::string> network;
    std::optional<std::string> organisation;
    std::optional<std::string> venue;
    std::optional<db::id_t> series_id;
    std::string q;
    int limit = 50;
    std::optional<db::cursor> after;
};

// Published and cancelled meetings for everyone; drafts only for those who may write for their
// organisation. One unit of work.
db::page<db::meeting> list_meetings(context& ctx, const credentials& who, const meeting_query& q);
// not_found for a missing meeting and for a draft the caller may not see.
db::meeting find_meeting(context& ctx, const credentials& who, db::id_t id);

db::meeting create_meeting(context& ctx, const credentials& who, const meeting_input& in, db::venue_overlap overlap);
// Writes the change, and in the same unit the mail it causes: an updated invitation to everyone
// with a seat when time, place or status changed, a note to those promoted by a capacity rise.
db::meeting update_meeting(context& ctx, const credentials& who, db::id_t id, const meeting_input& in,
                           db::venue_overlap overlap);
// Cancels, telling everyone signed up (METHOD:CANCEL); idempotent. `reason` (optional, up to 1000
// characters, line breaks allowed) is kept with the meeting and said in the cancellation mail;
// validation_failed naming "reason".
db::meeting cancel_meeting(context& ctx, const credentials& who, db::id_t id, const std::string& reason = {});
// Deletes a meeting (an occurrence becomes an exception of its series).
void delete_meeting(context& ctx, const credentials& who, db::id_t id);

struct series_query {
    std::optional<std::string> organisation;  // id or slug
    std::string q;
    int limit = 50;
    std::optional<db::cursor> after;
};
db::page<db::series> list_series(context& ctx, const credentials& who, const series_query& q);
db::series find_series(context& ctx, const credentials& who, db::id_t id);
db::series create_series(context& ctx, const credentials& who, const series_input& in, db::venue_overlap overlap);
db::series update_series(context& ctx, const credentials& who, db::id_t id, const series_input& in,
                         db::venue_overlap overlap);
void delete_series(context& ctx, const credentials& who, db::id_t id);

}  // namespace kal::service::app
