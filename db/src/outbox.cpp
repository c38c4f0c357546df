// The mail outbox: enqueue, claims, delivery states, resend.

#include "kal/db/outbox.hpp"

#include "common.hpp"
#include "links.hpp"
#include "rows.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* outbox_select =
    "SELECT o.id, o.kind, o.meeting_id, o.rsvp_id, o.user_id, o.recipient, o.language, o.sequence, "
    "o.meeting_start_utc, o.dedup_key, o.message_id, o.state, o.attempts, o.next_attempt_at, o.claimed_until, "
    "o.last_error, o.link_token, o.created_at, o.sent_at FROM outbox o";
// ON CONFLICT ... DO NOTHING (SQLite 3.24+, PostgreSQL 9.5+): an existing key writes nothing, and
// a concurrent writer of the same key waits for the first to commit and then writes nothing.
constexpr const char* insert_message =
    "INSERT INTO outbox (kind, meeting_id, rsvp_id, user_id, recipient, language, sequence, meeting_start_utc, "
    "dedup_key, message_id, state, next_attempt_at, link_token, created_at) "
    "VALUES (:k, :m, :r, :u, :e, :l, :q, :st, :d, :mid, 'pending', :n, :t, :c) ON CONFLICT (dedup_key) DO NOTHING";
// Due: pending and its time has come, or claimed by a worker that has not finished in time (it
// crashed, or lost its database connection).
constexpr const char* select_due =
    "SELECT id FROM outbox WHERE (state = 'pending' AND next_attempt_at <= :n1) "
    "OR (state = 'sending' AND claimed_until < :n2) ORDER BY next_attempt_at, id LIMIT :l";
constexpr const char* select_due_skip_locked =
    "SELECT id FROM outbox WHERE (state = 'pending' AND next_attempt_at <= :n1) "
    "OR (state = 'sending' AND claimed_until < :n2) ORDER BY next_attempt_at, id LIMIT :l FOR UPDATE SKIP LOCKED";
constexpr const char* claim_message =
    "UPDATE outbox SET state = 'sending', claimed_until = :u, claimed_by = :w, attempts = attempts + 1 WHERE id = :id";
constexpr const char* select_id_of_key = "SELECT id FROM outbox WHERE dedup_key = :d";
constexpr const char* insert_fact = "INSERT INTO message_facts (message_id, name, value) VALUES (:m, :n, :v)";
constexpr const char* select_facts = "SELECT name, value FROM message_facts WHERE message_id = :m ORDER BY name";
constexpr const char* delete_finished =
    "DELETE FROM outbox WHERE state IN ('sent', 'failed', 'skipped') AND COALESCE(sent_at, created_at) < :f "
    "AND meeting_start_utc < :n";
constexpr const char* set_sent =
    "UPDATE outbox SET state = 'sent', sent_at = :t, link_token = '', claimed_until = NULL, last_error = '' "
    "WHERE id = :id";
constexpr const char* set_retry =
    "UPDATE outbox SET state = 'pending', next_attempt_at = :n, claimed_until = NULL, last_error = :e "
    "WHERE id = :id AND state = 'sending'";
constexpr const char* set_failed =
    "UPDATE outbox SET state = 'failed', claimed_until = NULL, last_error = :e WHERE id = :id";
constexpr const char* set_skipped =
    "UPDATE outbox SET state = 'skipped', claimed_until = NULL, link_token = '', last_error = :e WHERE id = :id";
constexpr const char* select_state = "SELECT state FROM outbox WHERE id = :id";
constexpr const char* set_resent =
    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = :n, created_at = :c, last_error = '' "
    "WHERE id = :id";
constexpr const char* count_states = "SELECT state, COUNT(*) FROM outbox GROUP BY state";

struct outbox_row {
    long long id = 0;
    std::string kind;
    nullable<long long> meeting_id, rsvp_id, user_id;
    std::string recipient, language;
    int sequence = 0;
    long long meeting_start_utc = 0;
    std::string dedup_key, message_id, state;
    int attempts = 0;
    long long next_attempt_at = 0;
    nullable<long long> claimed_until;
    std::string last_error, link_token;
    long long created_at = 0;
    nullable<long long> sent_at;
    void into(stmt& s) {
        s.into(id).into(kind).into(meeting_id).into(rsvp_id).into(user_id).into(recipient).into(language);
        s.into(sequence);
        s.into(meeting_start_utc).into(dedup_key).into(message_id).into(state).into(attempts).into(next_attempt_at);
        s.into(claimed_until).into(last_error).into(link_token).into(created_at).into(sent_at);
    }
    outbox_message to_model() const {
        outbox_message m;
        m.id = id;
        m.kind = stored(parse_message_kind(kind), "outbox.kind");
        m.meeting_id = meeting_id.get();
        m.rsvp_id = rsvp_id.get();
        m.user_id = user_id.get();
        m.recipient = recipient;
        m.language = stored(parse_language(language), "outbox.language");
        m.sequence = sequence;
        m.meeting_start_utc = meeting_start_utc;
        m.dedup_key = dedup_key;
        m.message_id = message_id;
        m.state = stored(parse_message_state(state), "outbox.state");
        m.attempts = attempts;
        m.next_attempt_at = next_attempt_at;
        m.claimed_until = claimed_until.get();
        m.last_error = last_error;
        m.link_token = link_token;
        m.created_at = created_at;
        m.sent_at = sent_at.get();
        return m;
    }
};

std::optional<outbox_message> message_by_id(soci::session& s, id_t id) {
    return find_one<outbox_message, outbox_row>(s, outbox_select, "o.id = :id", ll(id));
}

}  // namespace

bool outbox::enqueue(const new_message& m) {
    require_write(w_);
    auto& s = session_of(w_);
    // The table's CHECK says the same; saying it here names the field.
    const bool detached = !m.meeting_id && !m.user_id;
    if (m.meeting_id && m.user_id) throw invalid_value("meeting_id", "a message belongs to a meeting or to a user, not both");
    if (detached && m.kind != message_kind::meeting_cancelled)
        throw invalid_value("meeting_id", "only a cancellation may outlive its meeting (belong to neither)");
    if ((m.user_id || detached) && m.rsvp_id)
        throw invalid_value("rsvp_id", "a user's or a detached message belongs to no sign-up");
    if (detached && m.facts.empty()) throw invalid_value("facts", "a detached message says what it says through facts");
    if (m.meeting_id && !exists(s, "meetings", *m.meeting_id))
        throw invalid_reference("meeting_id", "no meeting with id " + std::to_string(*m.meeting_id));
    if (m.rsvp_id && !exists(s, "rsvps", *m.rsvp_id))
        throw invalid_reference("rsvp_id", "no sign-up with id " + std::to_string(*m.rsvp_id));
    if (m.user_id && !exists(s, "users", *m.user_id))
        throw invalid_reference("user_id", "no user with id " + std::to_string(*m.user_id));
    const auto now = ll(w_.now());
    stmt st(s, insert_message);
    st.use(m.kind).use(m.meeting_id).use(m.rsvp_id).use(m.user_id).use(m.recipient).use(m.language).use(m.sequence);
    st.use(ll(m.meeting_start_utc)).use(m.dedup_key).use(m.message_id).use(now).use(m.link_token).use(now);
    if (st.run() == 0) return false;
    if (!m.facts.empty()) {
        long long id = 0;
        stmt(s, select_id_of_key).use(m.dedup_key).into(id).one();
        for (const auto& [name, value] : m.facts) stmt(s, insert_fact).use(id).use(name).use(value).run();
    }
    return true;
}

std::vector<std::pair<std::string, std::string>> outbox::facts(id_t id) {
    std::vector<std::pair<std::string, std::string>> out;
    stmt st(session_of(w_), select_facts);
    std::string name, value;
    st.use(ll(id)).into(name).into(value);
    while (st.next()) out.emplace_back(name, value);
    return out;
}

std::vector<outbox_message> outbox::claim(const std::string& worker, std::int64_t lease_seconds, int limit) {
    require_write(w_);
    auto& s = session_of(w_);
    const auto now = ll(w_.now());
    std::vector<long long> ids;
    {
        stmt st(s, is_postgresql(w_) ? select_due_skip_locked : select_due);
        st.use(now).use(now).use(limit);
        long long id = 0;
        st.into(id);
        while (st.next()) ids.push_back(id);
    }
    std::vector<outbox_message> out;
    for (auto id : ids) {
        stmt(s, claim_message).use(now + ll(lease_seconds)).use(worker).use(id).run();
        if (auto m = message_by_id(s, id)) out.push_back(std::move(*m));
    }
    return out;
}

void outbox::mark_sent(id_t id) {
    require_write(w_);
    stmt(session_of(w_), set_sent).use(ll(w_.now())).use(ll(id)).run();
}

void outbox::mark_retry(id_t id, instant next_attempt_at, const std::string& error) {
    require_write(w_);
    stmt(session_of(w_), set_retry).use(ll(next_attempt_at)).use(error).use(ll(id)).run();
}

void outbox::mark_failed(id_t id, const std::string& error) {
    require_write(w_);
    stmt(session_of(w_), set_failed).use(error).use(ll(id)).run();
}

void outbox::mark_skipped(id_t id, const std::string& reason) {
    require_write(w_);
    stmt(session_of(w_), set_skipped).use(reason).use(ll(id)).run();
}

std::optional<outbox_message> outbox::find(id_t id) { return message_by_id(session_of(w_), id); }

std::vector<outbox_message> outbox::list(id_t meeting_id) {
    stmt st(session_of(w_), std::string(outbox_select) + " WHERE o.meeting_id = :m ORDER BY o.id");
    st.use(ll(meeting_id));
    return all_rows<outbox_message, outbox_row>(st);
}

std::map<id_t, std::int64_t> outbox::failed_of(const std::vector<id_t>& meeting_ids) {
    std::map<id_t, std::int64_t> out;
    for_id_lists(sorted_unique(meeting_ids), nullptr, [&](const std::string& in, auto&& bind) {
        stmt st(session_of(w_), "SELECT meeting_id, COUNT(*) FROM outbox WHERE state = 'failed' AND meeting_id IN (" +
                                    in + ") GROUP BY meeting_id");
        bind(st);
        long long m = 0, n = 0;
        st.into(m).into(n);
        while (st.next()) out[m] = n;
    });
    return out;
}

std::vector<outbox_message> outbox::list_of_user(id_t user_id) {
    stmt st(session_of(w_), std::string(outbox_select) + " WHERE o.user_id = :u ORDER BY o.id");
    st.use(ll(user_id));
    return all_rows<outbox_message, outbox_row>(st);
}

outbox_message outbox::resend(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    std::string state;
    if (!stmt(s, select_state).use(ll(id)).into(state).one()) throw not_found("no message with id " + std::to_string(id));
    auto current = stored(parse_message_state(state), "outbox.state");
    if (current != message_state::failed && current != message_state::skipped)
        throw conflict("state", "only a failed or skipped message can be sent again (this one is " + state + ")");
    stmt(s, set_resent).use(ll(w_.now())).use(ll(w_.now())).use(ll(id)).run();
    return *message_by_id(s, id);
}

std::int64_t outbox::purge_finished(instant finished_before) {
    require_write(w_);
    return static_cast<std::int64_t>(stmt(session_of(w_), delete_finished)
                                         .use(ll(finished_before))
                                         .use(ll(w_.now()))
                                         .run());
}

std::vector<std::pair<message_state, std::int64_t>> outbox::counts() {
    std::vector<std::pair<message_state, std::int64_t>> by_state;
    stmt st(session_of(w_), count_states);
    std::string state;
    long long n = 0;
    st.into(state).into(n);
    while (st.next()) by_state.emplace_back(stored(parse_message_state(state), "outbox.state"), n);
    std::sort(by_state.begin(), by_state.end());
    return by_state;
}

}  // namespace kal::db
