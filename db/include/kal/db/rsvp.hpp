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

// The rule when a party does not fit (documented in docs/architecture.md by the caller):
// the waitlist is strictly first come, first served. A freed seat goes to the head of the
// waitlist only when the head's whole party fits; otherwise the head keeps waiting and so does
// everyone behind it (no overtaking), until enough seats are free or the organiser moves
// someone by hand.

}  // namespace kal::db
