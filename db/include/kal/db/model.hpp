#pragma once
// The compact's model: plain value types with no SQL, HTTP or JSON in them. The repositories
// (one header each: directory, meetings, feeds, rsvps, attendance, outbox, reminders, api_tokens,
// accounts, personal_data) read and write them inside a unit of work (database.hpp).
//
// Instants are Unix seconds (UTC). Local times are ISO 8601 strings without offset,
// "YYYY-MM-DDTHH:MM:SS" for timed meetings and "YYYY-MM-DD" for all-day meetings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kal/db/enums.hpp"

namespace kal::db {

using id_t = std::int64_t;
using instant = std::int64_t;  // Unix seconds, UTC

// A keyset position in a list ordered by (sort_key, id). Opaque to clients.
struct cursor {
    std::int64_t sort_key = 0;
    id_t id = 0;
    bool operator==(const cursor&) const = default;
};

template <class T>
struct page {
    std::vector<T> items;
    std::optional<cursor> next;  // set exactly when more items follow
};

// ---- the directory -----------------------------------------------------------------------------

struct organisation {
    id_t id = 0;
    organisation_kind kind = organisation_kind::association;
    std::string name;
    std::string slug;  // unique among organisations
    std::optional<std::string> contact_email;
    std::optional<std::string> contact_phone;
    bool contact_public = false;  // contact details are shown to the public only when true
    instant created_at = 0;
    instant updated_at = 0;
};

struct network {
    id_t id = 0;
    network_kind kind = network_kind::other;
    std::string name;
    std::string slug;  // unique among networks
    std::string description;
    std::vector<id_t> organisation_ids;  // owners, sorted ascending, each once
    instant created_at = 0;
    instant updated_at = 0;
};

struct venue {
    id_t id = 0;
    std::string name;
    std::string slug;  // unique among venues
    std::string address;
    std::optional<int> capacity;
    bool step_free = false;
    bool hearing_loop = false;
    bool accessible_toilet = false;
    std::string accessibility_notes;
    std::optional<double> latitude;
    std::optional<double> longitude;
    std::optional<id_t> organisation_id;  // owner
    bool shared = false;                  // bookable by the other party of the compact
    instant created_at = 0;
    instant updated_at = 0;
};

// ---- meetings and series -----------------------------------------------------------------------

struct document_link {
    std::string title;
    std::string url;
    bool operator==(const document_link&) const = default;
};

// The parts of a meeting that say what, when and where. Shared by meetings and series templates.
struct meeting_fields {
    meeting_type type = meeting_type::other;
    std::string title;
    std::string description;
    std::string theme;
    bool all_day = false;
    std::string start_local;  // see file comment
    std::string end_local;    // timed: exclusive end; all-day: exclusive end date (RFC 5545 style)
    std::string time_zone = "Europe/Stockholm";
    instant start_utc = 0;  // computed by the caller from local time and zone
    instant end_utc = 0;
    std::optional<id_t> venue_id;
    std::string location;    // free text when there is no venue
    std::string online_url;  // validated absolute http(s) URL or empty
    id_t organisation_id = 0;
    std::vector<id_t> network_ids;  // sorted ascending when read
    std::optional<int> capacity;    // null = unlimited
    std::optional<instant> registration_deadline_utc;
    meeting_status status = meeting_status::draft;
    std::vector<document_link> documents;  // in the given order
};

struct meeting : meeting_fields {
    id_t id = 0;
    std::string uid;   // stable forever; shared by all occurrences of a series
    int sequence = 0;  // raised on every change of time, place or status (RFC 5546)
    std::optional<id_t> series_id;
    std::string recurrence_id;  // original local start of the occurrence; empty outside a series
    bool overridden = false;    // an occurrence changed on its own since the series last set it
    std::string cancellation_reason;  // the organiser's words when it was cancelled (the mail says them)
    instant created_at = 0;
    instant updated_at = 0;
};

// A recurring meeting. Its occurrences are stored as meetings (series_id set), computed by the
// caller from the rule, so that each occurrence is addressable, filterable and bookable.
struct series {
    id_t id = 0;
    std::string uid;
    meeting_fields fields;             // the template; start/end are those of the first occurrence
    std::string rrule;                 // RFC 5545 RRULE value, without the "RRULE:" prefix
    std::vector<std::string> exdates;  // local starts of occurrences that do not take place, sorted
    int sequence = 0;
    instant created_at = 0;
    instant updated_at = 0;
};

// One occurrence computed from a series' rule, as the caller passes it.
struct occurrence {
    std::string recurrence_id;  // local start as generated by the rule
    std::string start_local;
    std::string end_local;
    instant start_utc = 0;
    instant end_utc = 0;
};

// ---- tokens ------------------------------------------------------------------------------------

// A token for the API. One made by the command line has a role (and, for an organiser, its
// organisation); one a user made has user_id and acts with that user's rights as they are when it
// is used (its role is the user's when it was made, kept for listings only).
struct api_token {
    id_t id = 0;
    token_role role = token_role::organiser;
    std::string name;
    std::optional<id_t> organisation_id;  // required for organisers without a user; never with one
    std::optional<id_t> user_id;
    instant created_at = 0;
    std::optional<instant> revoked_at;
    instant last_used_at = 0;
};

// A personal feed: a saved filter behind a secret link (/feeds/private/{token}.ics).
struct feed_token {
    id_t id = 0;
    std::string name;
    std::optional<id_t> organisation_id;  // the organisation whose organiser made it
    std::vector<meeting_type> types;      // any of; empty = all; sorted, each once
    std::vector<id_t> network_ids;        // any of; empty = all; sorted, each once
    std::vector<id_t> organisation_ids;   // any of; empty = all; sorted, each once
    instant created_at = 0;
    instant rotated_at = 0;  // 0 while the secret was never replaced
    std::optional<instant> revoked_at;
};

// ---- accounts -----------------------------------------------------------------------------------

// A person who signs in by e-mail link. Personal data (email, name) stays while the account is
// deactivated and is blanked when an admin erases the address (personal_data::erase_address).
struct user {
    id_t id = 0;
    std::string email;  // as given; unique case-insensitively (stored lower-cased in a key column)
    std::string name;
    db::language language = db::language::sv;
    user_role role = user_role::organiser;
    std::vector<id_t> organisation_ids;  // memberships: organises for these; ascending, each once
    instant created_at = 0;
    instant updated_at = 0;
    std::optional<instant> last_sign_in_at;
    std::optional<instant> deactivated_at;  // set: may not sign in, its sessions and tokens ended
    std::optional<instant> erased_at;       // set: email and name are blank
    bool active() const { return !deactivated_at; }
};

// A signed-in browser. Only the hash of its secret (the cookie's value) is stored.
struct session {
    id_t id = 0;
    id_t user_id = 0;
    std::string description;  // "Firefox på Linux": short and non-identifying, may be empty
    instant created_at = 0;
    instant last_seen_at = 0;  // written at most every few minutes (the idle timeout counts from it)
    instant expires_at = 0;    // absolute: created_at + the session lifetime
    std::optional<instant> ended_at;
};

// A one-time sign-in link. Only the hash of its secret is stored.
struct sign_in_link {
    id_t id = 0;
    id_t user_id = 0;
    instant created_at = 0;
    instant expires_at = 0;
    std::optional<instant> used_at;
};

// ---- sign-ups and attendance -------------------------------------------------------------------

// One sign-up of a party for a meeting. Personal data (name, email, needs) is held only here and
// in walk-in check-ins, and is blanked after the meeting (personal_data::anonymise_ended_before).
struct rsvp {
    id_t id = 0;
    id_t meeting_id = 0;
    std::string name;
    std::string email;  // as given; compared case-insensitively (stored lower-cased in a key column)
    std::optional<id_t> organisation_id;  // a known organisation, or
    std::string organisation_name;        // free text when not a known one
    int party_size = 1;
    std::string needs;  // accessibility or diet; organisers only
    // Qualified: a member named like its type may not use the unqualified name (GCC rejects it).
    db::language language = db::language::sv;
    rsvp_status status = rsvp_status::confirmed;
    // 1-based place in the meeting's waitlist, derived when read (never stored): consecutive, in
    // sign-up order; set exactly for waitlisted sign-ups.
    std::optional<int> waitlist_position;
    instant created_at = 0;
    instant updated_at = 0;
    std::optional<instant> cancelled_at;
    std::optional<instant> anonymised_at;
};

// One person or party present at a meeting: a sign-up, or a walk-in who did not sign up.
struct checkin {
    id_t id = 0;
    id_t meeting_id = 0;
    std::optional<id_t> rsvp_id;          // set for a sign-up; empty for a walk-in
    std::string name;                     // a walk-in's name (personal data; empty for sign-ups)
    std::optional<id_t> organisation_id;  // a known organisation, or
    std::string organisation_name;        // free text; for sign-ups copied from the sign-up
    int people = 0;  // the party that came; 0 when checking in: the sign-up's party size, or 1
    instant created_at = 0;
    std::optional<instant> anonymised_at;
};

// ---- mail --------------------------------------------------------------------------------------

// One e-mail to one recipient, as stored in the outbox (outbox.hpp). It belongs to a meeting
// (and maybe one of its sign-ups) or to a user (sign-in links, invitations): exactly one of
// meeting_id and user_id is set.
struct outbox_message {
    id_t id = 0;
    message_kind kind = message_kind::confirmed;
    std::optional<id_t> meeting_id;
    std::optional<id_t> rsvp_id;
    std::optional<id_t> user_id;
    std::string recipient;  // the e-mail address; blanked when the sign-up is anonymised
    db::language language = db::language::sv;
    int sequence = 0;                 // the meeting's SEQUENCE when the message was written; 0 for a user's
    instant meeting_start_utc = 0;    // the start it was written for (reminders check it); 0 for a user's
    std::string dedup_key;            // unique: the same cause is written once
    std::string message_id;           // "<...@domain>", chosen by the caller
    message_state state = message_state::pending;
    int attempts = 0;
    instant next_attempt_at = 0;
    std::optional<instant> claimed_until;
    std::string last_error;
    std::string link_token;  // the secret of the link this message carries (manage or sign-in), until sent
    instant created_at = 0;
    std::optional<instant> sent_at;
};

}  // namespace kal::db
