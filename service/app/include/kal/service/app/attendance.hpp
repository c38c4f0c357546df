#pragma once
// Attendance: check-ins at the door (a sign-up, or a walk-in who did not sign up), the counts of
// a meeting, and what is held about one e-mail address (export and erasure, for an admin
// answering a GDPR request). The same person checked in twice, from any number of devices at
// once, is one check-in (db::attendance decides under the meeting's lock).

#include <optional>
#include <string>
#include <vector>

#include "kal/db/attendance.hpp"
#include "kal/db/personal_data.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

inline constexpr int max_walk_in_party = 50;

struct check_in_input {
    unreadable_input unreadable;
    std::optional<db::id_t> rsvp_id;                // a sign-up, or
    std::optional<std::string> name;                // a walk-in's name
    std::optional<db::id_t> organisation_id;        // a walk-in's organisation by id, or
    std::optional<std::string> organisation_name;   // by name
    std::optional<std::int64_t> party_size;
};

db::check_in_result check_in(context& ctx, const credentials& who, db::id_t meeting_id, const check_in_input& in);
void undo_check_in(context& ctx, const credentials& who, db::id_t meeting_id, db::id_t checkin_id);
std::vector<db::checkin> list_check_ins(context& ctx, const credentials& who, db::id_t meeting_id);
db::meeting_attendance attendance_of(context& ctx, const credentials& who, db::id_t meeting_id);

// Admins only. The address is checked as an e-mail address (validation naming "email").
struct address_input {
    unreadable_input unreadable;
    std::optional<std::string> email;
};
struct exported_personal_data {
    std::string email;
    db::personal_record record;
};
exported_personal_data export_personal_data(context& ctx, const credentials& who, const address_input& in);
// Erases every sign-up of the address and its check-ins; the seats they held go to the
// waitlists, whose people are told. Returns how many sign-ups.
int erase_personal_data(context& ctx, const credentials& who, const address_input& in);
// The scheduled anonymisation (rsvps.anonymise_after_days after the meeting ended).
int anonymise_old_sign_ups(context& ctx);

}  // namespace kal::service::app
