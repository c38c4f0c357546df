// Sign-ups, quotas and the waitlist (the rules are in kal/db/rsvps.hpp).

#include "kal/db/rsvps.hpp"

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"
#include "waitlist.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* count_token_hash = "SELECT COUNT(*) FROM rsvps WHERE token_hash = :h";
constexpr const char* count_link_token_hash = "SELECT COUNT(*) FROM rsvp_tokens WHERE token_hash = :h";
constexpr const char* count_token_hash_anywhere =
    "SELECT (SELECT COUNT(*) FROM rsvps WHERE token_hash = :h) + (SELECT COUNT(*) FROM rsvp_tokens WHERE token_hash = :h2)";
constexpr const char* call_sign_up =
    "SELECT o_outcome, o_id, o_status, o_waitlist_position FROM kal_sign_up(:m, :n, :e, :k, :o, :on, :p, :nd, :l, "
    ":h, :c, :bh, :uo, :ht, :ml, :mb, :ma, :lt, :lh, :ch)";
// SQLite: the meeting's gate, the address's active sign-up, the quota, the waitlist and the
// confirmed seats in one statement; the last two as schema 0012's triggers keep them, so that the
// decision takes as long for the thousandth sign-up as for the first.
constexpr const char* select_decision_facts =
    "SELECT m.status, m.start_utc, m.capacity, m.registration_deadline_utc, m.sequence, "
    "(SELECT r.id FROM rsvps r WHERE r.meeting_id = m.id AND r.email_key = :k AND r.status <> 'cancelled'), "
    "(SELECT q.per_organisation FROM meeting_quotas q WHERE q.meeting_id = m.id), "
    "c.waitlisted, c.confirmed_seats "
    "FROM meetings m JOIN meeting_sign_up_counts c ON c.meeting_id = m.id WHERE m.id = :m";
// The first message of a new sign-up, as outbox::enqueue writes one (its checks hold by
// construction: the meeting and the sign-up exist, the message belongs to both).
constexpr const char* insert_first_message =
    "INSERT INTO outbox (kind, meeting_id, rsvp_id, user_id, recipient, language, sequence, meeting_start_utc, "
    "dedup_key, message_id, state, next_attempt_at, link_token, created_at) "
    "VALUES (:k, :m, :r, NULL, :e, :l, :q, :st, :d, :mid, 'pending', :n, :t, :c) ON CONFLICT (dedup_key) DO NOTHING";
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

// What sign_up knows before the meeting's lock.
struct sign_up_facts {
    const rsvp& r;
    const std::string& email_key;
    const std::string& token_hash;
    instant now;
    bool by_holder;
    bool unknown_organisation;
    bool hash_taken;
    const std::optional<first_message>& mail;
};

// What the decision under the lock came to: kal_sign_up's o_outcome (schema 0010).
enum class decided {
    created,
    existing,
    not_found,
    draft,
    cancelled,
    started,
    deadline_passed,
    unknown_organisation,
    quota_full,
    token_hash_taken
};

struct decision {
    decided outcome = decided::not_found;
    id_t id = 0;  // the new sign-up, or the existing one
    rsvp_status status = rsvp_status::confirmed;
    std::optional<int> waitlist_position;
};

decided outcome_of(const std::string& text) {
    static constexpr std::pair<std::string_view, decided> table[] = {
        {"created", decided::created},
        {"existing", decided::existing},
        {"not_found", decided::not_found},
        {"draft", decided::draft},
        {"cancelled", decided::cancelled},
        {"started", decided::started},
        {"deadline_passed", decided::deadline_passed},
        {"unknown_organisation", decided::unknown_organisation},
        {"quota_full", decided::quota_full},
        {"token_hash_taken", decided::token_hash_taken},
    };
    for (const auto& [t, o] : table)
        if (t == text) return o;
    throw error("kal::db: kal_sign_up answered an unknown outcome '" + text + "'");
}

// PostgreSQL: the lock, the decision and every write in one call of kal_sign_up (schema 0010), so
// the meeting's row is locked for this one execution and the COMMIT after it.
decision decide_and_write_in_postgresql(unit_of_work& w, const sign_up_facts& f) {
    const auto& r = f.r;
    const first_message none;
    const auto& m = f.mail ? *f.mail : none;
    stmt st(session_of(w), call_sign_up, kept_statements(w));
    st.use(ll(r.meeting_id)).use(r.name).use(r.email).use(f.email_key).use(r.organisation_id);
    st.use(r.organisation_name).use(r.party_size).use(r.needs).use(r.language).use(f.token_hash).use(ll(f.now));
    st.use(f.by_holder).use(f.unknown_organisation).use(f.hash_taken).use(f.mail.has_value());
    st.use(m.message_id_before).use(m.message_id_after).use(m.link_token).use(m.link_token_hash);
    st.use(m.check_in_link_hash);
    std::string text;
    nullable<long long> id, position;
    nullable<std::string> status_text;
    st.into(text).into(id).into(status_text).into(position);
    if (!st.one()) throw error("kal::db: kal_sign_up answered no row");
    decision d;
    d.outcome = outcome_of(text);
    if (auto v = id.get()) d.id = *v;
    if (auto v = status_text.get()) d.status = stored(parse_rsvp_status(*v), "kal_sign_up.o_status");
    if (auto v = position.get()) d.waitlist_position = static_cast<int>(*v);
    return d;
}

// SQLite: BEGIN IMMEDIATE has taken the database's write lock already. One statement reads what
// the decision needs (a second only when the meeting has a quota), one writes the sign-up and,
// with mail, three its first message and links.
decision decide_and_write(unit_of_work& w, const sign_up_facts& f) {
    auto& s = session_of(w);
    const auto& r = f.r;
    std::string status;
    long long start_utc = 0, waiting = 0, confirmed = 0;
    int sequence = 0;
    nullable<int> capacity, quota;
    nullable<long long> deadline, existing;
    {
        stmt st(s, select_decision_facts, kept_statements(w));
        st.use(f.email_key).use(ll(r.meeting_id));
        st.into(status).into(start_utc).into(capacity).into(deadline).into(sequence).into(existing).into(quota);
        st.into(waiting).into(confirmed);
        if (!st.one()) return {decided::not_found};
    }
    if (auto v = existing.get()) return {decided::existing, *v};
    const auto gate = stored(parse_meeting_status(status), "meetings.status");
    if (gate == meeting_status::draft) return {decided::draft};
    if (gate == meeting_status::cancelled) return {decided::cancelled};
    if (start_utc <= f.now) return {decided::started};
    if (f.by_holder && deadline.get() && *deadline.get() < f.now) return {decided::deadline_passed};
    if (f.unknown_organisation) return {decided::unknown_organisation};
    if (quota.get() && (r.organisation_id || !r.organisation_name.empty())) {
        long long used = 0;
        if (r.organisation_id)
            stmt(s, quota_used_by_id).use(ll(r.meeting_id)).use(ll(*r.organisation_id)).into(used).one();
        else
            stmt(s, quota_used_by_name).use(ll(r.meeting_id)).use(r.organisation_name).into(used).one();
        if (used + r.party_size > *quota.get()) return {decided::quota_full};
    }
    if (f.hash_taken) return {decided::token_hash_taken};

    decision d{decided::created};
    // Nobody overtakes the waitlist, not even a party small enough for the free seats.
    const bool fits = !capacity.get() || confirmed + r.party_size <= *capacity.get();
    d.status = waiting == 0 && fits ? rsvp_status::confirmed : rsvp_status::waitlisted;
    if (d.status == rsvp_status::waitlisted) d.waitlist_position = static_cast<int>(waiting + 1);
    {
        stmt st(s, insert_rsvp, kept_statements(w));
        st.use(ll(r.meeting_id)).use(r.name).use(r.email).use(f.email_key).use(r.organisation_id);
        st.use(r.organisation_name).use(r.party_size).use(r.needs).use(r.language).use(d.status);
        st.use(f.token_hash).use(ll(f.now)).use(ll(f.now));
        long long id = 0;
        st.into(id).one();
        d.id = id;
    }
    if (f.mail) {
        const std::string kind(to_text(d.status));
        const std::string id = std::to_string(d.id);
        stmt st(s, insert_first_message, kept_statements(w));
        st.use(kind).use(ll(r.meeting_id)).use(ll(d.id)).use(r.email).use(r.language).use(sequence).use(start_utc);
        st.use(kind + ":" + id).use(f.mail->message_id_before + kind + "." + id + f.mail->message_id_after);
        st.use(ll(f.now)).use(f.mail->link_token).use(ll(f.now));
        if (st.run() > 0) {
            stmt(s, insert_link_token, kept_statements(w)).use(f.mail->link_token_hash).use(ll(d.id)).use(ll(f.now)).run();
            stmt(s, insert_check_in_link, kept_statements(w))
                .use(f.mail->check_in_link_hash).use(ll(d.id)).use(ll(f.now)).run();
        }
    }
    return d;
}

}  // namespace

sign_up_result rsvps::sign_up(rsvp r, const std::string& manage_token_hash, signed_up_by by,
                              const std::optional<first_message>& mail) {
    require_write(w_);
    require_party_size(r.party_size);
    if (r.email.empty()) throw invalid_value("email", "a sign-up needs an e-mail address");
    auto& s = session_of(w_);
    const auto now = w_.now();
    const std::string key = unicode_lower(r.email);
    // What does not depend on the meeting's sign-ups is read before its lock, so that every
    // sign-up of a full meeting waits for fewer statements (issue 13). Its refusals are made
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

    const sign_up_facts facts{r, key, manage_token_hash, now, by == signed_up_by::holder, unknown_organisation,
                              hash_taken > 0, mail};
    const auto d = is_postgresql(w_) ? decide_and_write_in_postgresql(w_, facts) : decide_and_write(w_, facts);
    switch (d.outcome) {
        case decided::not_found:
            throw not_found("no meeting with id " + std::to_string(r.meeting_id));
        case decided::existing:
            // A repeated sign-up (double click, retried request) gets the one it made, whatever
            // has happened to the meeting since.
            return {*find_rsvp(w_, d.id), false};
        case decided::draft:
            throw sign_up_refused(sign_up_refusal::draft, "the meeting is not published");
        case decided::cancelled:
            throw sign_up_refused(sign_up_refusal::cancelled, "the meeting is cancelled");
        case decided::started:
            throw sign_up_refused(sign_up_refusal::started, "the meeting has started");
        case decided::deadline_passed:
            throw sign_up_refused(sign_up_refusal::deadline_passed, "the registration deadline has passed");
        case decided::unknown_organisation:
            throw invalid_reference("organisation", "no organisation with id " + std::to_string(*r.organisation_id));
        case decided::quota_full:
            throw sign_up_refused(sign_up_refusal::quota_full, "the organisation's places at this meeting are taken");
        case decided::token_hash_taken:
            throw conflict("token_hash", "a sign-up with this token hash exists");
        case decided::created:
            break;
    }
    // The new sign-up as stored, without reading it back under the lock.
    rsvp out = r;
    out.id = d.id;
    out.status = d.status;
    out.waitlist_position = d.waitlist_position;
    out.created_at = out.updated_at = now;
    out.cancelled_at.reset();
    out.anonymised_at.reset();
    return {out, true};
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

std::vector<seat_counts> rsvps::seats_of(const std::vector<id_t>& meeting_ids) {
    std::vector<seat_counts> out;
    for_id_lists(sorted_unique(meeting_ids), nullptr, [&](const std::string& in, auto&& bind) {
        stmt st(session_of(w_), "SELECT meeting_id, confirmed_seats, waitlisted FROM meeting_sign_up_counts "
                                "WHERE meeting_id IN (" + in + ") ORDER BY meeting_id");
        bind(st);
        long long m = 0, confirmed = 0, waitlisted = 0;
        st.into(m).into(confirmed).into(waitlisted);
        while (st.next()) out.push_back({m, confirmed, waitlisted});
    });
    return out;
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
