#pragma once
// The store: every read and write of the model. Each call leases one pooled SOCI session, runs
// in one transaction (BEGIN IMMEDIATE on SQLite) and either commits all of its effects or none.
// Calls block: the service runs them on its database thread pool, never on I/O threads.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kal/db/errors.hpp"
#include "kal/db/model.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/rsvp.hpp"

namespace kal::db {

struct store_options {
    std::string url = "sqlite:var/kalendarium.db";  // sqlite:PATH or postgresql://user@host:port/db
    std::size_t pool_size = 4;
    std::chrono::milliseconds lease_timeout{2000};  // waiting longer for a session throws unavailable
    std::chrono::milliseconds busy_timeout{5000};   // SQLite busy_timeout
    outbox_options outbox;
};

// A keyset position in a list ordered by (sort_key, id). Opaque to clients.
struct cursor {
    std::int64_t sort_key = 0;
    id_t id = 0;
};

template <class T>
struct page {
    std::vector<T> items;
    std::optional<cursor> next;  // set when more items follow
};

struct meeting_filter {
    std::optional<std::int64_t> from_utc;  // meetings ending after this instant
    std::optional<std::int64_t> to_utc;    // meetings starting before this instant
    std::vector<std::string> types;
    std::optional<id_t> network_id;
    std::optional<id_t> organisation_id;
    std::optional<id_t> venue_id;
    std::optional<id_t> series_id;
    std::vector<std::string> statuses;  // empty: all statuses the caller may see
    // Drafts are hidden unless include_all_drafts, or they belong to drafts_of_organisation.
    bool include_all_drafts = false;
    std::optional<id_t> drafts_of_organisation;
    std::string q;  // case-insensitive substring of title, description or theme
    int limit = 50;
    std::optional<cursor> after;  // ordered by (start_utc, id)
};

struct name_filter {
    std::string q;  // case-insensitive substring of the name
    std::optional<std::string> kind;
    std::optional<id_t> organisation_id;
    int limit = 50;
    std::optional<cursor> after;  // ordered by id (sort_key = id)
};

// What a calendar feed shows, read in one transaction (a consistent snapshot) with a constant
// number of queries however many meetings match.
struct feed_filter {
    std::int64_t from_utc = 0;  // meetings ending after this instant
    std::int64_t to_utc = 0;    // meetings starting before this instant
    std::vector<std::string> types;       // any of; empty = all
    std::vector<id_t> network_ids;        // any of; empty = all
    std::vector<id_t> organisation_ids;   // any of; empty = all
    std::vector<id_t> venue_ids;          // any of; empty = all
    std::vector<id_t> meeting_ids;        // any of; empty = all
    // Published meetings always; cancelled ones only while they end after this instant.
    std::int64_t keep_cancelled_until_utc = 0;
};

struct feed_snapshot {
    std::int64_t change_counter = 0;         // read in the same transaction
    std::vector<meeting> meetings;           // published and kept cancelled, ordered by (start_utc, id)
    // Qualified: a member named like its type may not use the unqualified name (GCC rejects it).
    std::vector<db::series> series;          // every series some meeting of `meetings` belongs to
    std::vector<venue> venues;               // every venue those meetings use
    std::vector<organisation> organisations; // every organising organisation of those meetings
    std::vector<network> networks;           // every network those meetings are linked to
    // For every series in `series`: its occurrences that are cancelled or overridden, whenever
    // they are (also outside the window), so that a master's EXDATEs and overrides are complete.
    std::vector<meeting> series_exceptions;
};

// How to treat an overlap of a venue booking with another meeting at the same venue.
enum class venue_overlap { refuse, allow };

class store {
public:
    explicit store(const store_options& options);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    // Applies the migrations not yet recorded in schema_version; idempotent, safe to run
    // concurrently from two processes. Returns the schema version now in force.
    int migrate();
    int schema_version();
    bool is_postgresql() const;
    // A trivial query; throws unavailable when the database cannot be reached.
    void ping();
    std::size_t pool_in_use() const;
    std::size_t pool_size() const;

    // Organisations. Slugs are made from the name when empty and made unique with -2, -3, ...
    organisation create_organisation(organisation o);
    std::optional<organisation> find_organisation(id_t id);
    std::optional<organisation> find_organisation_by_slug(const std::string& slug);
    organisation update_organisation(const organisation& o);  // throws not_found
    void delete_organisation(id_t id);  // throws not_found; conflict while referenced
    page<organisation> list_organisations(const name_filter& f);

    // Networks
    network create_network(network n);  // throws invalid_reference for unknown owners
    std::optional<network> find_network(id_t id);
    std::optional<network> find_network_by_slug(const std::string& slug);
    network update_network(const network& n);
    void delete_network(id_t id);  // meetings keep existing, they lose the link
    page<network> list_networks(const name_filter& f);

    // Venues
    venue create_venue(venue v);
    std::optional<venue> find_venue(id_t id);
    std::optional<venue> find_venue_by_slug(const std::string& slug);
    venue update_venue(const venue& v);
    void delete_venue(id_t id);  // conflict while meetings use it
    page<venue> list_venues(const name_filter& f);

    // Meetings. create assigns id, uid (when empty), sequence 0 and timestamps.
    // A venue booked by another non-cancelled meeting overlapping in time throws venue_conflict
    // unless overlap == allow. Unknown venue, organisation or network ids throw invalid_reference.
    meeting create_meeting(meeting m, venue_overlap overlap);
    std::optional<meeting> find_meeting(id_t id);
    std::optional<meeting> find_meeting_by_uid(const std::string& uid);  // non-series meetings
    // Replaces the stored fields with m's. Raises sequence when time, place, recurrence or
    // status changed. An occurrence of a series that is changed becomes overridden.
    meeting update_meeting(const meeting& m, venue_overlap overlap);
    meeting cancel_meeting(id_t id);  // status cancelled, sequence raised; idempotent
    void delete_meeting(id_t id);     // an occurrence deleted becomes an exdate of its series
    page<meeting> list_meetings(const meeting_filter& f);

    // Series and their occurrences (stored as meetings, all sharing the series' uid).
    series create_series(series s, const std::vector<occurrence>& occurrences, venue_overlap overlap);
    std::optional<series> find_series(id_t id);
    // Replaces the series; occurrences are regenerated: those not overridden are replaced by
    // `occurrences`, overridden ones whose recurrence_id is still produced are kept.
    series update_series(const series& s, const std::vector<occurrence>& occurrences,
                         venue_overlap overlap);
    void delete_series(id_t id);  // deletes its occurrences too
    page<series> list_series(const name_filter& f);

    // Feed invalidation: raised by every write of meetings, series, venues, organisations and
    // networks, and by rotating or revoking a feed token, in the same transaction.
    std::int64_t change_counter();

    feed_snapshot load_feed(const feed_filter& f);

    // Creates (id 0) or updates (id set) several meetings in ONE transaction: all or nothing.
    // Same rules as create_meeting/update_meeting each; the first failure throws and nothing
    // is written. Returns the stored meetings in the given order.
    std::vector<meeting> save_meetings(const std::vector<meeting>& meetings, venue_overlap overlap);

    // Private feeds. Only hashes are stored; the caller hashes. Unknown references throw
    // invalid_reference naming the field (network_ids, organisation_ids).
    feed_token create_feed_token(feed_token t, const std::string& token_hash);
    std::optional<feed_token> find_feed_token_by_hash(const std::string& token_hash);  // not revoked
    std::optional<feed_token> find_feed_token(id_t id);  // revoked ones too
    feed_token rotate_feed_token(id_t id, const std::string& new_token_hash);  // not_found if revoked
    void revoke_feed_token(id_t id);                                          // not_found if none
    std::vector<feed_token> list_feed_tokens(std::optional<id_t> organisation_id);  // all when nullopt

    // ---- sign-ups (RSVPs) ------------------------------------------------------------------
    // All of these lock the meeting's row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN
    // IMMEDIATE) so that the rules hold under any number of concurrent requests and instances:
    // confirmed party sizes never sum above capacity; waitlist positions are 1..N, each once.
    //
    // Signs up for a meeting, or returns the existing active sign-up of the same e-mail
    // (case-insensitive) for it. Refuses (sign_up_refused) draft, cancelled and started meetings
    // (start_utc <= now), sign-ups after the registration deadline, and a sign-up on behalf of
    // an organisation whose quota is full (meeting_quota). A free-text organisation that is the
    // name of a known organisation (case-insensitive) is stored as that organisation; other free
    // text counts against the quota under its own name (case-insensitive). Unknown meeting: not_found. Unknown
    // organisation_id: invalid_reference("organisation"). Confirmed when the party fits and
    // nobody waits, else waitlisted. Only hashes of manage tokens are stored.
    // by_organiser: an organiser adds someone by hand; the registration deadline does not apply
    // (draft, cancelled and started meetings are refused all the same).
    sign_up_result sign_up(rsvp r, const std::string& manage_token_hash, std::int64_t now, bool by_organiser = false);
    std::optional<rsvp> find_rsvp(id_t id);
    std::optional<rsvp> find_rsvp_by_token_hash(const std::string& manage_token_hash);  // active or not
    // Changes party size and needs. A confirmed party that grows beyond the free seats throws
    // conflict("party_size") and keeps its seat; one that grows beyond its organisation's quota
    // throws sign_up_refused(quota_full); shrinking frees seats and moves the waitlist.
    rsvp update_rsvp(id_t id, int party_size, const std::string& needs);
    // Cancels and frees the seat; the waitlist moves (rule in rsvp.hpp). Idempotent. Returns
    // the cancelled sign-up and the ids of those promoted, in order.
    std::pair<rsvp, std::vector<id_t>> cancel_rsvp(id_t id);
    // The organiser moves a waitlisted sign-up to confirmed even when that overbooks.
    rsvp confirm_from_waitlist(id_t id);
    // Sign-ups of a meeting in sign-up order; statuses empty = all.
    std::vector<rsvp> list_rsvps(id_t meeting_id, const std::vector<std::string>& statuses,
                                 std::optional<id_t> organisation_id);
    // Per-organisation quota for a meeting (nullopt = none), e.g. two delegates per
    // association at the stormöte. Counts confirmed and waitlisted people (party sizes).
    void set_meeting_quota(id_t meeting_id, std::optional<int> per_organisation);
    std::optional<int> meeting_quota(id_t meeting_id);
    // After a capacity change (update_meeting): promote from the waitlist while it fits.
    // update_meeting calls this itself; exposed for tests. Returns the promoted ids in order.
    std::vector<id_t> promote_waitlist(id_t meeting_id);
    // Replaces name, e-mail, needs and the token hash of sign-ups of meetings that ended before
    // `ended_before` with placeholders, and the names of walk-ins; counts, statuses and
    // organisations stay for the reports. Returns how many sign-ups were anonymised.
    int anonymise_rsvps_before(std::int64_t ended_before);
    // Deletes every sign-up of an e-mail address (case-insensitive) and their check-ins; the
    // seats they held move the waitlists. Returns how many sign-ups.
    int erase_rsvps_of(const std::string& email);
    // Deletes one sign-up (its holder's wish) and its check-in; the waitlist moves. not_found.
    void erase_rsvp(id_t id);
    // Everything held about an e-mail address (case-insensitive).
    personal_data personal_data_of(const std::string& email);

    // ---- attendance --------------------------------------------------------------------------
    // Checks in a sign-up (c.rsvp_id; people 0 = its party size) or a walk-in (c.name,
    // organisation). Idempotent under any concurrency: the same sign-up, or the same walk-in
    // name and organisation (case-insensitive), at the same meeting is one check-in (the unique
    // index on person_key decides), and the existing one is returned with created = false.
    // not_found: unknown meeting. conflict("meeting"): a draft or cancelled meeting.
    // invalid_reference("rsvp"): a sign-up of another meeting, or anonymised.
    // invalid_reference("organisation"): an unknown organisation id.
    check_in_result check_in(checkin c);
    // Undoes a check-in. not_found when the meeting has no such check-in.
    void undo_check_in(id_t meeting_id, id_t checkin_id);
    std::vector<checkin> list_checkins(id_t meeting_id);  // in check-in order
    // Attendance of many meetings with a constant number of queries, in the order asked;
    // unknown ids are left out.
    std::vector<attendance> attendance_of(const std::vector<id_t>& meeting_ids);

    // ---- the mail outbox ------------------------------------------------------------------
    // Messages are written by the sign-up and meeting writes above when outbox.enabled.
    // Claims up to `limit` due messages (pending with next_attempt_at <= now, or sending with
    // an expired claim) for `worker` until now + lease_seconds: state sending. On PostgreSQL
    // with FOR UPDATE SKIP LOCKED, so instances never claim the same row.
    std::vector<outbox_message> claim_messages(const std::string& worker, std::int64_t now, std::int64_t lease_seconds,
                                               int limit);
    void mark_sent(id_t id, std::int64_t now);                      // forgets the link secret
    void mark_retry(id_t id, std::int64_t next_attempt_at, const std::string& error);
    void mark_failed(id_t id, const std::string& error);
    void mark_skipped(id_t id, const std::string& reason);
    std::optional<outbox_message> find_message(id_t id);
    std::vector<outbox_message> list_messages(id_t meeting_id);  // newest last
    // A failed or skipped message goes out again (pending now, attempts 0); conflict otherwise.
    outbox_message resend_message(id_t id, std::int64_t now);
    // Counts per state (metrics, tests).
    std::vector<std::pair<std::string, std::int64_t>> message_counts();

    // Reminders: published meetings starting in (from_utc, to_utc] with confirmed sign-ups.
    std::vector<reminder_candidate> reminder_candidates(std::int64_t from_utc, std::int64_t to_utc);
    // Writes the reminder messages of a meeting for one start and offset, once (reminder_plans):
    // one per confirmed sign-up made before the reminder was due (who signs up later has just
    // had a confirmation), or none when skip (too late after downtime). Returns how many were
    // written; -1 when it was planned before.
    int plan_reminder(id_t meeting_id, std::int64_t start_utc, std::int64_t offset_seconds, std::int64_t due_utc,
                      bool skip, std::int64_t now);
    // A meeting's own reminder offsets (seconds before the start), or nullopt for its type's.
    void set_meeting_reminders(id_t meeting_id, std::optional<std::vector<std::int64_t>> offsets);
    std::optional<std::vector<std::int64_t>> meeting_reminders(id_t meeting_id);

    // API tokens. Only hashes are stored; the caller hashes.
    api_token create_token(api_token t, const std::string& token_hash);
    std::optional<api_token> find_token_by_hash(const std::string& token_hash);  // not revoked
    void revoke_token(id_t id);  // throws not_found
    std::vector<api_token> list_tokens();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Lower-case ASCII slug from a name: å,ä -> a, ö -> o, é -> e, other runs -> '-'.
std::string slugify(std::string_view name);

}  // namespace kal::db
