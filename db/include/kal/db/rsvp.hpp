#pragma once
// Sign-ups (RSVPs), the waitlist and attendance: the transactional rules behind issue 4.
// Plain value types; the store (store.hpp) keeps them. Personal data (name, e-mail, needs) is
// held only here and is anonymised after the meeting (anonymise_rsvps_before).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kal/db/model.hpp"

namespace kal::db {

inline constexpr std::string_view rsvp_statuses[] = {"confirmed", "waitlisted", "cancelled"};

struct rsvp {
    id_t id = 0;
    id_t meeting_id = 0;
    std::string name;
    std::string email;  // as given; compared case-insensitively (stored lower-cased in a key column)
    std::optional<id_t> organisation_id;  // a known organisation, or
    std::string organisation_name;        // free text when not a known one
    int party_size = 1;
    std::string needs;          // accessibility or diet; organisers only
    std::string language = "sv";  // sv | en
    std::string status = "confirmed";  // confirmed | waitlisted | cancelled
    // 1-based place in the meeting's waitlist, derived when read (never stored): consecutive,
    // in sign-up order.
    std::optional<int> waitlist_position;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::optional<std::int64_t> cancelled_at;
    std::optional<std::int64_t> anonymised_at;
};

// Why a sign-up is refused (409 in the API).
enum class sign_up_refusal { draft, cancelled, started, deadline_passed, quota_full };

struct sign_up_refused : std::runtime_error {
    sign_up_refusal reason;
    sign_up_refused(sign_up_refusal r, const std::string& what) : std::runtime_error(what), reason(r) {}
};

struct sign_up_result {
    rsvp stored;
    bool created = false;  // false: the same e-mail had already signed up (the existing one)
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
    std::int64_t created_at = 0;
    std::optional<std::int64_t> anonymised_at;
};

struct check_in_result {
    checkin stored;
    bool created = false;  // false: this person was already checked in (the existing one)
};

struct head_count {
    int entries = 0;  // sign-ups or check-ins
    int people = 0;   // their party sizes summed
    bool operator==(const head_count&) const = default;
};

// An organisation represented at a meeting: signed up (confirmed or waitlisted) or present.
struct organisation_presence {
    std::optional<id_t> organisation_id;  // empty for a free-text name
    std::string name;                     // the organisation's name, or the free text
    head_count signed_up;
    head_count attended;
};

// Who signed up for a meeting and who came. Counts only, and organisations: no person.
struct attendance {
    id_t meeting_id = 0;
    std::optional<int> capacity;
    head_count confirmed, waitlisted, cancelled;
    head_count checked_in;  // every check-in: sign-ups and walk-ins
    head_count walk_ins;    // check-ins without a sign-up
    head_count no_shows;    // confirmed sign-ups without a check-in
    std::vector<organisation_presence> organisations;  // ordered by name
};

// Everything held about one e-mail address (GDPR access request).
struct personal_data {
    std::vector<rsvp> rsvps;
    std::vector<checkin> checkins;  // of those sign-ups
};

// The rule when a party does not fit (documented in docs/architecture.md by the caller):
// the waitlist is strictly first come, first served. A freed seat goes to the head of the
// waitlist only when the head's whole party fits; otherwise the head keeps waiting and so does
// everyone behind it (no overtaking), until enough seats are free or the organiser moves
// someone by hand.

}  // namespace kal::db
