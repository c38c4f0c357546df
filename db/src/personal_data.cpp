// Personal data: access, erasure and scheduled anonymisation.

#include "kal/db/personal_data.hpp"

#include "kal/db/accounts.hpp"

#include "common.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

// Of sign-ups of meetings that ended before :e and are not anonymised yet.
constexpr const char* blank_messages_of_ended =
    "UPDATE outbox SET recipient = '', link_token = '' WHERE rsvp_id IN (SELECT id FROM rsvps WHERE "
    "anonymised_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE end_utc < :e))";
// Detached messages (of deleted meetings) hold the address and name in themselves; they go when
// the meeting they were about began before the cut (its start is all that is left of it).
constexpr const char* delete_detached_messages_of_ended =
    "DELETE FROM outbox WHERE meeting_id IS NULL AND user_id IS NULL AND meeting_start_utc < :e";
constexpr const char* delete_detached_messages_of_address =
    "DELETE FROM outbox WHERE meeting_id IS NULL AND user_id IS NULL AND LOWER(recipient) = :k";
constexpr const char* delete_link_tokens_of_ended =
    "DELETE FROM rsvp_tokens WHERE rsvp_id IN (SELECT id FROM rsvps WHERE anonymised_at IS NULL AND meeting_id IN "
    "(SELECT id FROM meetings WHERE end_utc < :e))";
constexpr const char* delete_check_in_links_of_ended =
    "DELETE FROM checkin_links WHERE rsvp_id IN (SELECT id FROM rsvps WHERE anonymised_at IS NULL AND meeting_id IN "
    "(SELECT id FROM meetings WHERE end_utc < :e))";
// The placeholders are unique per row, so the unique token hash and the index of active e-mails
// hold without a trace of the person.
constexpr const char* anonymise_walk_ins =
    "UPDATE checkins SET name = '', person_key = 'anonymised-' || CAST(id AS TEXT), anonymised_at = :t "
    "WHERE anonymised_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE end_utc < :e)";
constexpr const char* anonymise_rsvps =
    "UPDATE rsvps SET name = '', email = '', email_key = 'anonymised-' || CAST(id AS TEXT), needs = '', "
    "token_hash = 'anonymised-' || CAST(id AS TEXT), anonymised_at = :t "
    "WHERE anonymised_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE end_utc < :e)";
constexpr const char* select_meetings_held_by_address =
    "SELECT DISTINCT meeting_id FROM rsvps WHERE email_key = :k AND status <> 'cancelled' ORDER BY meeting_id";
constexpr const char* delete_checkins_of_address =
    "DELETE FROM checkins WHERE rsvp_id IN (SELECT id FROM rsvps WHERE email_key = :k)";
constexpr const char* delete_rsvps_of_address = "DELETE FROM rsvps WHERE email_key = :k";
// An account's erasure. The placeholder keeps the unique key of addresses without a trace of one.
constexpr const char* select_account_of_address =
    "SELECT id FROM users WHERE email_key = :k AND erased_at IS NULL";
constexpr const char* delete_sessions_of_user = "DELETE FROM sessions WHERE user_id = :u";
constexpr const char* delete_links_of_user = "DELETE FROM sign_in_links WHERE user_id = :u";
constexpr const char* delete_messages_of_user = "DELETE FROM outbox WHERE user_id = :u";
constexpr const char* delete_memberships_of_user = "DELETE FROM memberships WHERE user_id = :u";
constexpr const char* revoke_tokens_of_user =
    "UPDATE api_tokens SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL";
constexpr const char* blank_user =
    "UPDATE users SET email = '', name = '', email_key = 'erased-' || CAST(id AS TEXT), erased_at = :t, "
    "deactivated_at = COALESCE(deactivated_at, :t2), updated_at = :t3 WHERE id = :u";
constexpr const char* delete_requests_of_address = "DELETE FROM sign_in_requests WHERE email_key = :k";
constexpr const char* select_sessions_of_user =
    "SELECT id, description, created_at, last_seen_at, expires_at, ended_at FROM sessions WHERE user_id = :u "
    "ORDER BY id DESC";
constexpr const char* delete_checkins_of_rsvp = "DELETE FROM checkins WHERE rsvp_id = :id";
constexpr const char* delete_rsvp = "DELETE FROM rsvps WHERE id = :id";

}  // namespace

personal_record personal_data::of(const std::string& email) {
    auto& s = session_of(w_);
    const std::string key = unicode_lower(email);
    personal_record out;
    {
        stmt st(s, std::string(rsvp_select) + " WHERE r.email_key = :k ORDER BY r.id");
        st.use(key);
        out.rsvps = all_rows<rsvp, rsvp_row>(st);
    }
    {
        stmt st(s, std::string(checkin_select) +
                       " WHERE c.rsvp_id IN (SELECT id FROM rsvps WHERE email_key = :k) ORDER BY c.id");
        st.use(key);
        out.checkins = all_rows<checkin, checkin_row>(st);
    }
    out.account = users{w_}.find_by_email(email);
    if (out.account) {
        stmt st(s, select_sessions_of_user);
        st.use(ll(out.account->id));
        session x;
        long long id = 0, created_at = 0, last_seen_at = 0, expires_at = 0;
        nullable<long long> ended_at;
        st.into(id).into(x.description).into(created_at).into(last_seen_at).into(expires_at).into(ended_at);
        while (st.next()) {
            out.sessions.push_back(
                {id, out.account->id, x.description, created_at, last_seen_at, expires_at, ended_at.get()});
        }
    }
    return out;
}

erasure personal_data::erase_address(const std::string& email) {
    require_write(w_);
    auto& s = session_of(w_);
    const std::string key = unicode_lower(email);
    // Active sign-ups hold seats: their meetings are locked (in id order, so two erasures cannot
    // deadlock) and their waitlists move once the rows are gone. Link tokens and messages go with
    // the rows (ON DELETE CASCADE).
    std::vector<id_t> meetings;
    {
        stmt st(s, select_meetings_held_by_address);
        st.use(key);
        long long m = 0;
        st.into(m);
        while (st.next()) meetings.push_back(m);
    }
    std::vector<std::optional<int>> capacities;
    for (id_t m : meetings) capacities.push_back(lock_meeting(w_, m).capacity);
    stmt(s, delete_checkins_of_address).use(key).run();
    stmt(s, delete_detached_messages_of_address).use(key).run();
    erasure out;
    out.erased = static_cast<int>(stmt(s, delete_rsvps_of_address).use(key).run());
    for (std::size_t i = 0; i < meetings.size(); ++i) {
        auto promoted = promote(w_, meetings[i], capacities[i]);
        out.promoted.insert(out.promoted.end(), promoted.begin(), promoted.end());
    }
    out.account_erased = erase_account(key);
    return out;
}

bool personal_data::erase_account(const std::string& key) {
    auto& s = session_of(w_);
    const auto now = ll(w_.now());
    stmt(s, delete_requests_of_address).use(key).run();
    long long user_id = 0;
    if (!stmt(s, select_account_of_address).use(key).into(user_id).one()) return false;
    stmt(s, delete_sessions_of_user).use(user_id).run();
    stmt(s, delete_links_of_user).use(user_id).run();
    stmt(s, delete_messages_of_user).use(user_id).run();
    stmt(s, delete_memberships_of_user).use(user_id).run();
    stmt(s, revoke_tokens_of_user).use(now).use(user_id).run();
    stmt(s, blank_user).use(now).use(now).use(now).use(user_id).run();
    return true;
}

erasure personal_data::erase_rsvp(id_t rsvp_id) {
    require_write(w_);
    auto& s = session_of(w_);
    auto [r, gate] = lock_rsvp(w_, rsvp_id);
    stmt(s, delete_checkins_of_rsvp).use(ll(rsvp_id)).run();
    stmt(s, delete_rsvp).use(ll(rsvp_id)).run();
    erasure out;
    out.erased = 1;
    if (r.status == rsvp_status::confirmed) out.promoted = promote(w_, r.meeting_id, gate.capacity);
    return out;
}

int personal_data::anonymise_ended_before(instant ended_before) {
    require_write(w_);
    auto& s = session_of(w_);
    stmt(s, blank_messages_of_ended).use(ll(ended_before)).run();
    stmt(s, delete_detached_messages_of_ended).use(ll(ended_before)).run();
    stmt(s, delete_link_tokens_of_ended).use(ll(ended_before)).run();
    stmt(s, delete_check_in_links_of_ended).use(ll(ended_before)).run();
    stmt(s, anonymise_walk_ins).use(ll(w_.now())).use(ll(ended_before)).run();
    return static_cast<int>(stmt(s, anonymise_rsvps).use(ll(w_.now())).use(ll(ended_before)).run());
}

}  // namespace kal::db
