#pragma once
// Sign-ups (RSVPs), per-organisation quotas, the waitlist and the manage links' hashes: the
// transactional rules behind issue 4. No write here changes what feeds show.
//
// Every write locks the meeting first (PostgreSQL: SELECT ... FOR UPDATE on its row; SQLite:
// BEGIN IMMEDIATE has serialised all writers already), so the rules hold under any number of
// concurrent requests and instances:
// - the confirmed party sizes of a meeting never sum above its capacity (only an organiser's
//   confirm_from_waitlist may overbook, and lowering the capacity evicts nobody);
// - waitlist positions are 1..N, each once, in sign-up order (they are derived, never stored);
// - an e-mail address (case-insensitive) has at most one active sign-up per meeting.
//
// The waitlist rule: strictly first come, first served. A freed seat goes to the head of the
// waitlist only when the head's whole party fits; otherwise the head keeps waiting and so does
// everyone behind it (no overtaking), until enough seats are free or an organiser moves someone
// by hand. Writes that free seats promote in the same transaction and return whom they promoted,
// as stored, so that the caller can tell them in the same unit of work.
//
// Only hashes of manage-link secrets are stored; the caller makes secrets and hashes them.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/model.hpp"

namespace kal::db {

enum class signed_up_by {
    holder,     // the person themself: every rule applies
    organiser,  // added by hand: the registration deadline does not apply
};

// The first message of a new sign-up ('confirmed' or 'waitlisted', by the status it gets),
// written in the same step as the sign-up, so that the meeting's lock is held for no more
// statements than the decision needs (issue 13). Its dedup key is "<kind>:<sign-up id>" and its
// Message-ID message_id_before + "<kind>.<sign-up id>" + message_id_after; recipient and
// language are the sign-up's, sequence and start the meeting's as read under the lock. The link
// hashes are written as add_link_token and add_check_in_link would, after the message.
struct first_message {
    std::string message_id_before, message_id_after;
    std::string link_token;          // the message's manage link secret, kept in the outbox until sent
    std::string link_token_hash;     // opens the sign-up like its own token
    std::string check_in_link_hash;  // the door's link derived from link_token
};

struct sign_up_result {
    rsvp stored;
    bool created = false;  // false: the same address had already signed up (the existing one)
};

struct rsvp_update {
    rsvp stored;
    std::vector<rsvp> promoted;  // moved up because a confirmed party shrank, in order
};

struct rsvp_cancellation {
    rsvp cancelled;
    bool changed = false;        // false: it was cancelled already (nothing happened)
    std::vector<rsvp> promoted;  // moved up into the freed seats, in order
};

struct waitlist_move {
    rsvp stored;
    bool changed = false;  // false: it was confirmed already
};

// What a meeting's sign-ups take: confirmed people (party sizes) and waitlisted sign-ups.
struct seat_counts {
    id_t meeting_id = 0;
    std::int64_t confirmed_people = 0;
    std::int64_t waitlisted = 0;
};

class rsvps {
public:
    explicit rsvps(unit_of_work& w) : w_(w) {}

    // Signs up for a meeting, or returns the existing active sign-up of the same address
    // (case-insensitive) for it, whatever has happened to the meeting since (created false).
    // Refuses (sign_up_refused) draft, cancelled and started meetings (start_utc <= now), sign-ups
    // after the registration deadline (< now) unless by an organiser, and a party that passes its
    // organisation's quota. A free-text organisation that is the name of a known one
    // (case-insensitive) is stored as that organisation; other free text counts against the quota
    // under its own name. Confirmed when the party fits and nobody waits, else waitlisted.
    // not_found: unknown meeting. invalid_reference("organisation"): unknown organisation_id.
    // invalid_value: party_size < 1 ("party_size"), empty e-mail ("email").
    // conflict("token_hash"): the hash is in use.
    // mail: the first message to write with a new sign-up (none for a repeated or refused one).
    // On PostgreSQL everything after the meeting's lock is one call of kal_sign_up (schema 0010).
    sign_up_result sign_up(rsvp r, const std::string& manage_token_hash, signed_up_by by = signed_up_by::holder,
                           const std::optional<first_message>& mail = std::nullopt);
    std::optional<rsvp> find(id_t id);
    // By the sign-up's own manage token or by the link token of one of its messages; active or not.
    std::optional<rsvp> find_by_token_hash(const std::string& token_hash);
    // Another manage link for a sign-up (one per message that carries a link): its hash opens the
    // sign-up like the first one's. not_found for an unknown sign-up; conflict("token_hash").
    void add_link_token(id_t rsvp_id, const std::string& token_hash);
    // The door's check-in link of a sign-up (the QR code in its messages): only its hash. A
    // sign-up may have several (one per message); each names it. not_found for an unknown
    // sign-up; conflict("token_hash") for a hash in use.
    void add_check_in_link(id_t rsvp_id, const std::string& token_hash);
    // The sign-up a check-in link names, active or not; nullopt for an unknown hash (and for an
    // anonymised sign-up, whose links are deleted).
    std::optional<rsvp> find_by_check_in_link(const std::string& token_hash);
    // Changes party size, needs and (when given) the language of its mail. A confirmed party that grows beyond the free
    // seats throws conflict("party_size") and keeps its seat; one that grows beyond its organisation's quota throws
    // sign_up_refused(quota_full); a shrinking party frees seats and the waitlist moves. not_found; conflict("status")
    // for a cancelled sign-up; invalid_value("party_size").
    rsvp_update update(id_t id, int party_size, const std::string& needs,
                       std::optional<language> mail_language = std::nullopt);
    // Cancels and frees the seat; the waitlist moves. Idempotent. not_found.
    rsvp_cancellation cancel(id_t id);
    // The organiser moves a waitlisted sign-up to confirmed even when that overbooks.
    // not_found; conflict("status") for a cancelled sign-up.
    waitlist_move confirm_from_waitlist(id_t id);
    // Sign-ups of a meeting in sign-up order; statuses empty = all.
    std::vector<rsvp> list(id_t meeting_id, const std::vector<rsvp_status>& statuses = {},
                           std::optional<id_t> organisation_id = std::nullopt);
    // Per-organisation quota for a meeting (nullopt = none), e.g. two delegates per association
    // at the stormöte. Counts confirmed and waitlisted people (party sizes). A lower quota than
    // already used turns nobody away; it applies to new sign-ups. invalid_value("per_organisation")
    // below 1; not_found for an unknown meeting.
    void set_quota(id_t meeting_id, std::optional<int> per_organisation);
    std::optional<int> quota(id_t meeting_id);
    // Promotes from the waitlist while the head fits. Writes that free seats do this themselves.
    std::vector<rsvp> promote_waitlist(id_t meeting_id);
    // Each meeting's seats as schema 0012 keeps them (meeting_sign_up_counts): one row per
    // meeting, whatever its number of sign-ups; unknown ids are left out. In meeting id order.
    std::vector<seat_counts> seats_of(const std::vector<id_t>& meeting_ids);

private:
    unit_of_work& w_;
};

}  // namespace kal::db
