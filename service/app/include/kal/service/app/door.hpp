#pragma once
// The door: what an organiser's phone shows and does at the entrance of a meeting. The list of
// who is expected with whether each has come, searched by name or organisation; and the check-in
// link of a sign-up (/incheckning/<secret>, the QR code in its confirmation), which checks that
// sign-up in for a signed-in organiser of the meeting. The check-ins themselves are those of
// attendance.hpp: the same person ticked on two phones at once is one check-in.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/model.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"

namespace kal::service::app {

// A sign-up at the door: confirmed or waitlisted, with its check-in if it has come.
struct door_entry {
    db::rsvp rsvp;
    std::string organisation;  // by name; empty for none
    std::optional<db::checkin> checkin;
};

struct door_view {
    db::meeting meeting;
    std::vector<door_entry> sign_ups;   // matching the search; confirmed first, then by name
    std::vector<db::checkin> walk_ins;  // matching the search, in check-in order
    db::meeting_attendance counts;      // of the whole meeting, not only what matched
    bool searched = false;              // a search was given
};

// One snapshot: the meeting an organiser may write for (not_found, forbidden as for every
// organiser's use case), its sign-ups, walk-ins and counts. `search` (trimmed, at most 100
// characters taken) keeps the sign-ups and walk-ins whose name or organisation contains it,
// case-insensitively (Swedish letters too); empty keeps everyone.
door_view door_of(context& ctx, const credentials& who, db::id_t meeting_id, std::string_view search);

// True when `haystack` contains `needle`, both folded to lower case (ASCII and Latin-1 letters:
// å, ä, ö, é, ü ...). The search of the door and of its script do the same.
bool contains_folded(std::string_view haystack, std::string_view needle);

// The secret of a check-in link, derived from the link secret of the message that carries it
// (keyed BLAKE2b-256 with a key of its own, as "kalc_" + base64url): one-way, so whoever sees the
// QR code cannot make the manage link from it, and the outbox keeps one secret per message.
std::string check_in_secret_of(std::string_view link_secret);
// public_base_url + "/incheckning/" + secret (the organiser's page; Swedish, as the organiser's
// language is not known when the mail is written).
std::string check_in_link(const config::settings& settings, const std::string& secret);

// What a check-in link shows a signed-in organiser of the meeting: the meeting and the sign-up.
// not_found for a malformed, unknown or anonymised link (all alike), and for a draft meeting;
// forbidden for an organiser of another organisation; unauthenticated without a session.
struct door_link {
    db::meeting meeting;
    door_entry entry;
};
door_link check_in_link_of(context& ctx, const credentials& who, const std::string& secret);
// Checks in the sign-up the link names (idempotent: a second tap, or a second phone, finds the
// existing check-in, created = false). As check_in_link_of, and conflict for a meeting that is
// not published or a cancelled sign-up.
db::check_in_result check_in_by_link(context& ctx, const credentials& who, const std::string& secret);

}  // namespace kal::service::app
