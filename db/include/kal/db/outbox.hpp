#pragma once
// The mail outbox (issue 5): every e-mail is first a row, written in the same transaction as the
// change that caused it, then sent by a delivery worker. Plain value types; the store keeps them.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kal/db/model.hpp"

namespace kal::db {

// confirmed, waitlisted and promoted carry the manage link; confirmed and promoted also the
// invitation (METHOD:REQUEST); meeting_changed a new REQUEST with the raised SEQUENCE;
// meeting_cancelled METHOD:CANCEL; rsvp_cancelled a confirmation (with CANCEL when the sign-up
// had a seat); reminder a reminder with a link to cancel.
inline constexpr std::string_view message_kinds[] = {"confirmed",         "waitlisted",     "promoted",
                                                     "meeting_changed",   "meeting_cancelled",
                                                     "rsvp_cancelled",    "reminder"};
inline constexpr std::string_view message_states[] = {"pending", "sending", "sent", "failed", "skipped"};

struct outbox_message {
    id_t id = 0;
    std::string kind;
    id_t meeting_id = 0;
    std::optional<id_t> rsvp_id;
    std::string recipient;  // the e-mail address; blanked when the sign-up is anonymised
    std::string language;   // sv | en
    int sequence = 0;       // the meeting's SEQUENCE when the message was written
    std::int64_t meeting_start_utc = 0;  // the start it was written for (reminders check it)
    std::string dedup_key;
    std::string message_id;  // "<...@domain>", derived from dedup_key
    std::string state;
    int attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::optional<std::int64_t> claimed_until;
    std::string last_error;
    std::string link_token;  // the manage link's secret this message carries, until sent
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
};

struct outbox_options {
    // Off: no messages are written (no mail configured).
    bool enabled = false;
    std::string message_id_domain = "kalendarium.invalid";
    // A new manage-link secret and its hash, for messages that carry a link (the service's
    // token functions; db/ has no cryptography of its own).
    std::function<std::pair<std::string, std::string>()> new_link_token;
};

// A meeting with confirmed sign-ups that may need reminders (planner input).
struct reminder_candidate {
    id_t meeting_id = 0;
    std::string type;
    bool all_day = false;
    std::string start_local;
    std::string time_zone;
    std::int64_t start_utc = 0;
    std::optional<std::vector<std::int64_t>> offsets;  // the meeting's own, else the type's defaults
};

}  // namespace kal::db
