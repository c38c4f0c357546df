#pragma once
// Signing up for a meeting, and what the holder of a sign-up's link and the organisers do with
// it. The rules (capacity, waitlist, quotas, deadline, one active sign-up per address) hold in
// db::rsvps under the meeting's lock; here are the checks of what was typed, who may do what, the
// rate limit, and the mail each change causes. Every use case is ONE unit of work, the caller's
// credentials checked inside it.

#include <optional>
#include <string>
#include <vector>

#include "kal/db/rsvps.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

inline constexpr int max_party_size = 10;

struct sign_up_input {
    unreadable_input unreadable;
    std::optional<std::string> name;
    std::optional<std::string> email;
    // A known organisation by id, or free text (a known organisation's name counts as it).
    std::optional<db::id_t> organisation_id;
    std::optional<std::string> organisation_name;
    std::optional<std::int64_t> party_size;
    std::optional<std::string> needs;
    std::optional<std::string> language;  // sv | en
    std::optional<bool> consent;          // must be true: we store name and address
};

struct sign_up_outcome {
    db::rsvp stored;
    bool created = false;  // false: this address had signed up already (nothing of it is shown)
    std::string secret;    // the manage link's secret, only when created
    bool by_organiser = false;
};

// A public sign-up, or an organiser of the meeting adding someone by hand (credentials of
// someone who may write for its organisation: no deadline, no rate limit). `client` is the
// client's address for the rate limit (rsvps.rate_limit_per_minute): every attempt counts, also
// a refused one. rate_limited, not_found (no meeting, or a draft one may not see), validation
// naming the fields, conflict (sign-up-refused: closed, started, cancelled, deadline, quota).
sign_up_outcome sign_up(context& ctx, const credentials& who, db::id_t meeting_id, const sign_up_input& in,
                        const std::string& client);

// An organiser of the meeting adds someone by hand (the sign-ups page): as sign_up by an
// organiser, but refused (forbidden; not_found for a draft one may not see) for anyone else,
// rather than taken as a public sign-up.
sign_up_outcome sign_up_by_hand(context& ctx, const credentials& who, db::id_t meeting_id, const sign_up_input& in);

// What the holder of a link sees: the sign-up and its meeting. nullopt for a malformed, unknown
// or anonymised link (all alike, so that a link reveals nothing about others).
struct held_sign_up {
    db::rsvp rsvp;
    db::meeting meeting;
    std::optional<db::venue> venue;  // the meeting's venue, for the holder's page
    std::string organisation;        // the organisation signed up for, by name; empty for none
    bool meeting_ended = false;      // the meeting is over (nothing left to change)
};
std::optional<held_sign_up> sign_up_of_secret(context& ctx, const std::string& secret);

struct sign_up_changes {
    unreadable_input unreadable;
    std::optional<std::int64_t> party_size;
    std::optional<std::string> needs;
    std::optional<std::string> language;  // "sv" or "en": the language of the mail from now on
};
// not_found for a link that opens nothing; conflict for a cancelled sign-up or a party that no
// longer fits (it keeps its seat).
db::rsvp change_sign_up(context& ctx, const std::string& secret, const sign_up_changes& changes);
// Cancels (idempotent); the seat goes to the waitlist, who are told. not_found.
db::rsvp cancel_sign_up(context& ctx, const std::string& secret);
// Deletes the sign-up and its check-in for good; the seat goes on. Returns the meeting it was
// for. not_found.
db::id_t erase_sign_up(context& ctx, const std::string& secret);

// Organisers: the meeting's sign-ups in sign-up order, optionally by status and organisation.
std::vector<db::rsvp> list_sign_ups(context& ctx, const credentials& who, db::id_t meeting_id,
                                    const std::vector<db::rsvp_status>& statuses,
                                    std::optional<db::id_t> organisation_id);
// Moves someone from the waitlist to a seat even when that overbooks; they are told.
db::rsvp confirm_from_waitlist(context& ctx, const credentials& who, db::id_t meeting_id, db::id_t rsvp_id);
// An organiser cancels a sign-up of the meeting (someone who rang to say they cannot come):
// idempotent, the seat goes to the waiting list, and both are told as when the holder cancels.
// not_found for a sign-up of another meeting.
db::rsvp cancel_sign_up_for(context& ctx, const credentials& who, db::id_t meeting_id, db::id_t rsvp_id);
// The sign-ups as the CSV download has them (the API's ?format=csv and the sign-ups page's link):
// a header row, then one row per sign-up.
std::vector<std::vector<std::string>> sign_up_rows(const std::vector<db::rsvp>& list);
// CSV text (RFC 4180 with CRLF) with `separator` ',' or ';' (then with a UTF-8 byte order mark,
// which Excel set to Swedish needs); a field that starts with = + - @ gets a leading apostrophe,
// so that no spreadsheet runs it as a formula.
std::string csv_text(const std::vector<std::vector<std::string>>& rows, char separator);
// Places per organisation (nullopt: none).
std::optional<int> meeting_quota(context& ctx, const credentials& who, db::id_t meeting_id);
void set_meeting_quota(context& ctx, const credentials& who, db::id_t meeting_id, const unreadable_input& unreadable,
                       std::optional<std::int64_t> quota);

// The meeting an organiser works on: not_found when it is missing or a draft the caller may not
// see, forbidden when the caller may not write for its organisation.
db::meeting organisers_meeting(db::unit_of_work& w, const principal& who, db::id_t meeting_id);

}  // namespace kal::service::app
