// Sign-ups, quotas and the waitlist (the rules are in kal/db/rsvps.hpp).

#include "kal/db/rsvps.hpp"

#include "common.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* select_active_of_address =
    "SELECT id FROM rsvps WHERE meeting_id = :m AND email_key = :k AND status <> 'cancelled'";
constexpr const char* count_token_hash = "SELECT COUNT(*) FROM rsvps WHERE token_hash = :h";
constexpr const char* count_link_token_hash = "SELECT COUNT(*) FROM rsvp_tokens WHERE token_hash = :h";
constexpr const char* count_token_hash_anywhere =
    "SELECT (SELECT COUNT(*) FROM rsvps WHERE token_hash = :h) + (SELECT COUNT(*) FROM rsvp_tokens WHERE token_hash = :h2)";
constexpr const char* waitlisted_and_confirmed =
    "SELECT (SELECT COUNT(*) FROM rsvps WHERE meeting_id = :m AND status = 'waitlisted'), "
    "(SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m2 AND status = 'confirmed')";
constexpr const char* insert_rsvp =
    "INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, party_size, needs, "
    "language, status, token_hash, created_at, updated_at) "
    "VALUES (:m, :n, :e, :k, :o, :on, :p, :nd, :l, :s, :h, :c, :u) RETURNING id";
constexpr const char* select_rsvp_of_link = "SELECT rsvp_id FROM rsvp_tokens WHERE token_hash = :h";
constexpr const char* insert_link_token =
    "INSERT INTO rsvp_tokens (token_hash, rsvp_id, created_at) VALUES (:h, :r, :c)";
constexpr const char* count_check_in_link = "SELECT COUNT(*) FROM checkin_links WHERE token_hash = :h";
constexpr const char* insert_check_in_link =
    "INSERT INTO checkin_links (token_hash, rsvp_id, created_at) VALUES (:h, :r, :c)";
constexpr const char* select_rsvp_of_check_in_link = "SELECT rsvp_id FROM checkin_links WHERE token_hash = :h";
constexpr const char* update_party =
    "UPDATE rsvps SET party_size = :p, needs = :n, language = :l, updated_at = :u WHERE id = :id";
constexpr const char* cancel_rsvp =
    "UPDATE rsvps SET status = 'cancelled', cancelled_at = :c, updated_at = :u WHERE id = :id";
constexpr const char* confirm_rsvp = "UPDATE rsvps SET status = 'confirmed', updated_at = :u WHERE id = :id";
constexpr const char* select_quota = "SELECT per_organisation FROM meeting_quotas WHERE meeting_id = :m";
constexpr const char* delete_quota = "DELETE FROM meeting_quotas WHERE meeting_id = :m";
constexpr const char* insert_quota = "INSERT INTO meeting_quotas (meeting_id, per_organisation) VALUES (:m, :q)";
constexpr const char* quota_used_by_id =
    "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m AND organisation_id = :o "
    "AND status IN ('confirmed', 'waitlisted')";
constexpr const char* quota_used_by_name =
    "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m AND organisation_id IS NULL "
    "AND lower(organisation_name) = lower(:n) AND status IN ('confirmed', 'waitlisted')";

void require_party_size(int party_size) {
    if (party_size < 1) throw invalid_value("party_size", "party_size must be at least 1");
}

std::optional<int> quota_of(unit_of_work& w, id_t meeting_id) {
    nullable<int> quota;
    stmt(session_of(w), select_quota).use(ll(meeting_id)).into(quota).one();
    return quota.get();
}

// Under the meeting's lock: refuses `added` more people for the sign-up's organisation when that
// passes the meeting's quota. Known organisations count by id, free text by its name
// (case-insensitive); no organisation, no quota.
void check_quota(unit_of_work& w, const rsvp& r, int added) {
    if (!r.organisation_id && r.organisation_name.empty()) return;
    auto quota = quota_of(w, r.meeting_id);
    if (!quota) return;
    long long used = 0;
    if (r.organisation_id)
        stmt(session_of(w), quota_used_by_id).use(ll(r.meeting_id)).use(ll(*r.organisation_id)).into(used).one();
    else
        stmt(session_of(w), quota_used_by_name).use(ll(r.meeting_id)).use(r.organisation_name).into(used).one();
    if (used + added > *quota)
        throw sign_up_refused(sign_up_refusal::quota_full, "the organisation's places at this meeting are taken");
}

void require_free_token_hash(unit_of_work& w, const std::string& token_hash) {
    long long in_rsvps = 0, in_links = 0;
    stmt(session_of(w), count_token_hash).use(token_hash).into(in_rsvps).one();
    stmt(session_of(w), count_link_token_hash).use(token_hash).into(in_links).one();
    if (in_rsvps + in_links > 0) throw conflict("token_hash", "a sign-up with this token hash exists");
}

}  // namespace

sign_up_result rsvps::sign_up(rsvp r, const std::string& manage_token_hash, signed_up_by by) {
    require_write(w_);
    require_party_size(r.party_size);
    if (r.email.empty()) throw invalid_value("email", "a sign-up needs an e-mail address");
    auto& s = session_of(w_);
    const auto now = w_.now();
    const std::string key = unicode_lower(r.email);
    // What does not depend on the meeting's sign-ups is read before its lock, so that every
    // sign-up of a full meeting waits for fewer statements (issue 13). Its refusals are raised
    // where they were, after the lock, so that a repeated sign-up still gets the one it made.
    bool unknown_organisation = false;
    if (r.organisation_id) {
        unknown_organisation = !exists(s, "organisations", *r.organisation_id);
        r.organisation_name.clear();
    } else if (!r.organisation_name.empty()) {
        r.organisation_id = organisation_named(w_, r.organisation_name);
        if (r.organisation_id) r.organisation_name.clear();
    }
    long long hash_taken = 0;
    stmt(s, count_token_hash_anywhere).use(manage_token_hash).use(manage_token_hash).into(hash_taken).one();

    auto gate = lock_meeting(w_, r.meeting_id);
    // A repeated sign-up (double click, retried request) gets the one it made, whatever has
    // happened to the meeting since.
    long long existing = 0;
    if (stmt(s, select_active_of_address).use(ll(r.meeting_id)).use(key).into(existing).one())
        return {*find_rsvp(w_, existing), false};
    if (gate.status == meeting_status::draft)
        throw sign_up_refused(sign_up_refusal::draft, "the meeting is not published");
    if (gate.status == meeting_status::cancelled)
        throw sign_up_refused(sign_up_refusal::cancelled, "the meeting is cancelled");
    if (gate.start_utc <= now) throw sign_up_refused(sign_up_refusal::started, "the meeting has started");
    if (by == signed_up_by::holder && gate.registration_deadline_utc && *gate.registration_deadline_utc < now)
        throw sign_up_refused(sign_up_refusal::deadline_passed, "the registration deadline has passed");
    if (unknown_organisation)
        throw invalid_reference("organisation", "no organisation with id " + std::to_string(*r.organisation_id));
    check_quota(w_, r, r.party_size);
    if (hash_taken > 0) throw conflict("token_hash", "a sign-up with this token hash exists");

    // The waitlist and the confirmed seats in one statement, under the lock.
    long long waiting = 0, confirmed = 0;
    stmt(s, waitlisted_and_confirmed).use(ll(r.meeting_id)).use(ll(r.meeting_id)).into(waiting).into(confirmed).one();
    bool fits = !gate.capacity || confirmed + r.party_size <= *gate.capacity;
    // Nobody overtakes the waitlist, not even a party small enough for the free seats.
    auto status = waiting == 0 && fits ? rsvp_status::confirmed : rsvp_status::waitlisted;
    stmt st(s, insert_rsvp);
    st.use(ll(r.meeting_id)).use(r.name).use(r.email).use(key).use(r.organisation_id);
    st.use(r.organisation_name).use(r.party_size).use(r.needs).use(r.language).use(status);
    st.use(manage_token_hash).use(ll(now)).use(ll(now));
    long long id = 0;
    st.into(id).one();
    return {*find_rsvp(w_, id), true};
}

std::optional<rsvp> rsvps::find(id_t id) { return find_rsvp(w_, id); }

std::optional<rsvp> rsvps::find_by_token_hash(const std::string& token_hash) {
    auto& s = session_of(w_);
    {
        stmt st(s, std::string(rsvp_select) + " WHERE r.token_hash = :h");
        st.use(token_hash);
        rsvp_row row;
        row.into(st);
        if (st.one()) return row.to_model();
    }
    // The links in e-mails have secrets of their own.
    long long id = 0;
    if (!stmt(s, select_rsvp_of_link).use(token_hash).into(id).one()) return std::nullopt;
    return find_rsvp(w_, id);
}

void rsvps::add_link_token(id_t rsvp_id, const std::string& token_hash) {
    require_write(w_);
    if (!exists(session_of(w_), "rsvps", rsvp_id)) throw not_found("no sign-up with id " + std::to_string(rsvp_id));
    require_free_token_hash(w_, token_hash);
    stmt(session_of(w_), insert_link_token).use(token_hash).use(ll(rsvp_id)).use(ll(w_.now())).run();
}

void rsvps::add_check_in_link(id_t rsvp_id, const std::string& token_hash) {
    require_write(w_);
    auto& s = session_of(w_);
    if (!exists(s, "rsvps", rsvp_id)) throw not_found("no sign-up with id " + std::to_string(rsvp_id));
    long long n = 0;
    stmt(s, count_check_in_link).use(token_hash).into(n).one();
    if (n > 0) throw conflict("token_hash", "the check-in link is in use");
    stmt(s, insert_check_in_link).use(token_hash).use(ll(rsvp_id)).use(ll(w_.now())).run();
}

std::optional<rsvp> rsvps::find_by_check_in_link(const std::string& token_hash) {
    long long id = 0;
    if (!stmt(session_of(w_), select_rsvp_of_check_in_link).use(token_hash).into(id).one()) return std::nullopt;
    return find_rsvp(w_, id);
}

rsvp_update rsvps::update(id_t id, int party_size, const std::string& needs, std::optional<language> mail_language) {
    require_write(w_);
    require_party_size(party_size);
    auto [r, gate] = lock_rsvp(w_, id);
    if (r.status == rsvp_status::cancelled) throw conflict("status", "the sign-up is cancelled");
    if (r.status == rsvp_status::confirmed && party_size > r.party_size && gate.capacity &&
        confirmed_seats(w_, r.meeting_id) - r.party_size + party_size > *gate.capacity)
        throw conflict("party_size", "not enough free seats for a party of " + std::to_string(party_size));
    if (party_size > r.party_size) check_quota(w_, r, party_size - r.party_size);
    const language kept = mail_language.value_or(r.language);
    stmt(session_of(w_), update_party).use(party_size).use(needs).use(kept).use(ll(w_.now())).use(ll(id)).run();
    // A smaller party frees seats; a waitlisted party of another size may now fit.
    rsvp_update out;
    out.promoted = promote(w_, r.meeting_id, gate.capacity);
    out.stored = *find_rsvp(w_, id);
    return out;
}

rsvp_cancellation rsvps::cancel(id_t id) {
    require_write(w_);
    auto [r, gate] = lock_rsvp(w_, id);
    if (r.status == rsvp_status::cancelled) return {r, false, {}};
    stmt(session_of(w_), cancel_rsvp).use(ll(w_.now())).use(ll(w_.now())).use(ll(id)).run();
    rsvp_cancellation out;
    out.changed = true;
    out.promoted = promote(w_, r.meeting_id, gate.capacity);
    out.cancelled = *find_rsvp(w_, id);
    return out;
}

waitlist_move rsvps::confirm_from_waitlist(id_t id) {
    require_write(w_);
    auto r = lock_rsvp(w_, id).first;
    if (r.status == rsvp_status::cancelled) throw conflict("status", "the sign-up is cancelled");
    if (r.status == rsvp_status::confirmed) return {r, false};
    stmt(session_of(w_), confirm_rsvp).use(ll(w_.now())).use(ll(id)).run();
    return {*find_rsvp(w_, id), true};
}

std::vector<rsvp> rsvps::list(id_t meeting_id, const std::vector<rsvp_status>& statuses,
                              std::optional<id_t> organisation_id) {
    conditions where;
    where.add("r.meeting_id = ?", {ll(meeting_id)});
    where.add_in("r.status", statuses);
    if (organisation_id) where.add("r.organisation_id = ?", {ll(*organisation_id)});
    int n = 0;
    stmt st(session_of(w_), std::string(rsvp_select) + where.where(n) + " ORDER BY r.id");
    where.bind(st);
    return all_rows<rsvp, rsvp_row>(st);
}

void rsvps::set_quota(id_t meeting_id, std::optional<int> per_organisation) {
    require_write(w_);
    if (per_organisation && *per_organisation < 1)
        throw invalid_value("per_organisation", "a quota per organisation must be at least 1");
    lock_meeting(w_, meeting_id);
    // A lower quota than already used turns nobody away; it applies to new sign-ups.
    stmt(session_of(w_), delete_quota).use(ll(meeting_id)).run();
    if (per_organisation) stmt(session_of(w_), insert_quota).use(ll(meeting_id)).use(*per_organisation).run();
}

std::optional<int> rsvps::quota(id_t meeting_id) { return quota_of(w_, meeting_id); }

std::vector<rsvp> rsvps::promote_waitlist(id_t meeting_id) {
    require_write(w_);
    return promote(w_, meeting_id, lock_meeting(w_, meeting_id).capacity);
}

}  // namespace kal::db
