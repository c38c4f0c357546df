#pragma once
// Meetings and series. A series' occurrences are stored as meetings (series_id set, all sharing
// the series' uid), so that each is addressable, filterable and bookable. Every write here marks
// its unit feeds_changed().
//
// Invariants kept here:
// - A venue is booked by at most one non-cancelled meeting at a time (drafts book it too):
//   creating or changing a meeting or series onto an overlapping booking throws venue_conflict
//   listing the other meetings, unless venue_overlap::allow. On PostgreSQL the venue's row is
//   locked (FOR UPDATE) before the check, so concurrent bookings are checked one after the other;
//   on SQLite BEGIN IMMEDIATE serialises them. Meetings that end when another starts do not
//   overlap.
// - SEQUENCE rises by one whenever time, place or status change (RFC 5546); other fields leave it.
// - An occurrence changed on its own becomes overridden and is kept as it is when its series is
//   updated; deleting an occurrence adds its recurrence_id to the series' exdates.
// - Changing a meeting takes its row lock (the UPDATE), the lock every sign-up write takes first,
//   so a capacity rise promotes from the waitlist consistently in the same transaction; lowering
//   the capacity evicts nobody.
// Unknown organisation, venue or network ids throw invalid_reference naming the field
// ("organisation_id", "venue_id", "network_ids"); unknown meetings and series not_found.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

// How to treat an overlap of a venue booking with another meeting at the same venue.
enum class venue_overlap { refuse, allow };

struct meeting_filter {
    std::optional<instant> from_utc;  // meetings ending after this instant
    std::optional<instant> to_utc;    // meetings starting before this instant
    std::vector<meeting_type> types;  // any of; empty = all
    std::optional<id_t> network_id;
    std::optional<id_t> organisation_id;
    std::optional<id_t> venue_id;
    std::optional<id_t> series_id;
    std::vector<meeting_status> statuses;  // any of; empty: all statuses the caller may see
    // Drafts are hidden unless include_all_drafts, or they belong to drafts_of_organisation.
    bool include_all_drafts = false;
    std::optional<id_t> drafts_of_organisation;
    std::string q;   // case-insensitive substring of title, description or theme
    int limit = 50;  // clamped to 1..1000
    std::optional<cursor> after;  // ordered by (start_utc, id)
};

// Series are filtered in SQL before paging, drafts included, so pages are never short while
// more follow.
struct series_filter {
    std::string q;  // case-insensitive substring of the title
    std::optional<meeting_type> type;
    std::optional<id_t> organisation_id;
    // Draft series are hidden unless include_all_drafts, or they belong to drafts_of_organisation.
    bool include_all_drafts = false;
    std::optional<id_t> drafts_of_organisation;
    int limit = 50;
    std::optional<cursor> after;  // ordered by id (sort_key = id)
};

// Which of the parts that raise SEQUENCE changed ("meeting changed" mails say which).
struct meeting_changes {
    bool time = false;    // all_day, start/end (local or UTC) or time zone
    bool place = false;   // venue, location or online URL
    bool status = false;  // draft, published, cancelled
    bool any() const { return time || place || status; }
    bool operator==(const meeting_changes&) const = default;
};

// What a change of a meeting did, so that the caller can tell people in the same unit of work.
struct meeting_change {
    meeting before;
    meeting after;  // as stored
    meeting_changes changed;
    // after.sequence > before.sequence. For update and cancel exactly when changed.any(); an
    // occurrence rewritten by update_series also when its series' rule or exdates changed.
    bool sequence_raised = false;
    // When sequence_raised: the meeting's active sign-ups (confirmed and waitlisted, not
    // anonymised) in sign-up order, with the status each had before this change's promotions.
    // Empty otherwise.
    std::vector<rsvp> active_sign_ups;
    // Sign-ups moved from the waitlist because the capacity rose, in waitlist order, as stored.
    std::vector<rsvp> promoted;
};

// A meeting deleted, with the active sign-ups (confirmed and waitlisted, not anonymised) it had,
// read before they went with it.
struct meeting_removal {
    meeting removed;
    std::vector<rsvp> active_sign_ups;
};

struct series_change {
    db::series before;
    db::series after;  // as stored
    bool sequence_raised = false;          // time, place, status, rule or exdates changed
    std::vector<meeting> created;          // occurrences the rule now produces that did not exist
    std::vector<meeting_change> updated;   // occurrences rewritten from the template, in the order given
    std::vector<meeting_removal> removed;  // occurrences the rule no longer produces (deleted)
};

struct series_removal {
    db::series removed;
    std::vector<meeting_removal> occurrences;  // in start order
};

// Who holds an iCalendar UID: a single meeting, or a series (whose occurrences share it).
struct uid_owner {
    std::string uid;
    std::optional<id_t> meeting_id;  // a meeting outside any series
    std::optional<id_t> series_id;   // a series
};

class meetings {
public:
    explicit meetings(unit_of_work& w) : w_(w) {}

    // Assigns id, uid (a random one when empty), sequence 0 and timestamps (now). A standalone
    // meeting: series_id, recurrence_id and overridden given are ignored.
    meeting create(meeting m, venue_overlap overlap);
    std::optional<meeting> find(id_t id);
    std::optional<meeting> find_by_uid(const std::string& uid);  // meetings outside series only
    // Replaces the stored fields with m's (id, uid, series and timestamps stay). An occurrence
    // changed in any field becomes overridden. A capacity rise promotes from the waitlist.
    meeting_change update(const meeting& m, venue_overlap overlap);
    // Status cancelled, SEQUENCE raised; an occurrence becomes overridden (else updating its
    // series would bring it back). Idempotent: cancelling a cancelled meeting changes nothing
    // (sequence_raised false, the unit is not marked feeds_changed).
    // `reason` is kept with it (cancellation_reason), for the cancellation mail.
    meeting_change cancel(id_t id, const std::string& reason = {});
    // Deletes a meeting with its sign-ups, check-ins and messages. An occurrence becomes an
    // exdate of its series, whose SEQUENCE rises.
    meeting_removal remove(id_t id);
    page<meeting> list(const meeting_filter& f);
    // The holders of the given UIDs, in ONE statement however many (up to 5,000 per statement;
    // more are read in chunks): single meetings and series. UIDs held by nothing are left out;
    // order is unspecified.
    std::vector<uid_owner> uid_owners(const std::vector<std::string>& uids);

    // Creates the series and one meeting per occurrence, each checked for venue overlaps
    // (occurrences of the same series do not conflict with each other).
    db::series create_series(db::series s, const std::vector<occurrence>& occurrences, venue_overlap overlap);
    std::optional<db::series> find_series(id_t id);
    // Replaces the series (its uid stays; SEQUENCE rises when time, place, status, rule or
    // exdates changed). Occurrences: those the rule no longer produces are deleted; overridden
    // ones still produced are kept as they are; the others are rewritten from the template in
    // place (same id, so sign-ups stay attached), each with the rules of update.
    series_change update_series(const db::series& s, const std::vector<occurrence>& occurrences,
                                venue_overlap overlap);
    series_removal remove_series(id_t id);  // with its occurrences
    page<db::series> list_series(const series_filter& f);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
