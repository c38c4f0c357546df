// Sign-in links, the queue of sign-in requests and sessions (only hashes of secrets are stored).

#include "common.hpp"
#include "kal/db/accounts.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* link_select = "SELECT id, user_id, created_at, expires_at, used_at FROM sign_in_links";
constexpr const char* count_link_hash = "SELECT COUNT(*) FROM sign_in_links WHERE token_hash = :h";
constexpr const char* insert_link =
    "INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES (:h, :u, :c, :e) RETURNING id";
// The one statement that decides single use: the row changes only while it is unused and
// unexpired, and a concurrent redeem waits for this one's row lock (PostgreSQL re-checks the
// condition on the row it then sees) or for its turn to write (SQLite): it changes nothing.
constexpr const char* use_link =
    "UPDATE sign_in_links SET used_at = :t WHERE token_hash = :h AND used_at IS NULL AND expires_at > :n "
    "RETURNING user_id";

constexpr const char* insert_request = "INSERT INTO sign_in_requests (email_key, created_at) VALUES (:k, :c)";
constexpr const char* select_requests = "SELECT id, email_key, created_at FROM sign_in_requests ORDER BY id LIMIT :l";
constexpr const char* select_requests_skip_locked =
    "SELECT id, email_key, created_at FROM sign_in_requests ORDER BY id LIMIT :l FOR UPDATE SKIP LOCKED";
constexpr const char* delete_request = "DELETE FROM sign_in_requests WHERE id = :id";

constexpr const char* session_select =
    "SELECT id, user_id, description, created_at, last_seen_at, expires_at, ended_at FROM sessions";
constexpr const char* count_session_hash = "SELECT COUNT(*) FROM sessions WHERE token_hash = :h";
constexpr const char* insert_session =
    "INSERT INTO sessions (token_hash, user_id, description, created_at, last_seen_at, expires_at) "
    "VALUES (:h, :u, :d, :c, :s, :e) RETURNING id";
constexpr const char* end_session =
    "UPDATE sessions SET ended_at = :t WHERE id = :id AND user_id = :u AND ended_at IS NULL";
constexpr const char* end_sessions = "UPDATE sessions SET ended_at = :t WHERE user_id = :u AND ended_at IS NULL";
constexpr const char* raise_last_seen =
    "UPDATE sessions SET last_seen_at = :t WHERE id = :id AND ended_at IS NULL AND last_seen_at < :t2";
constexpr const char* delete_dead_sessions =
    "DELETE FROM sessions WHERE ended_at IS NOT NULL OR expires_at <= :n OR last_seen_at < :i";
constexpr const char* delete_dead_links = "DELETE FROM sign_in_links WHERE used_at IS NOT NULL OR expires_at <= :n";

struct link_row {
    long long id = 0, user_id = 0, created_at = 0, expires_at = 0;
    nullable<long long> used_at;
    void into(stmt& s) { s.into(id).into(user_id).into(created_at).into(expires_at).into(used_at); }
    sign_in_link to_model() const { return {id, user_id, created_at, expires_at, used_at.get()}; }
};

struct session_row {
    long long id = 0, user_id = 0;
    std::string description;
    long long created_at = 0, last_seen_at = 0, expires_at = 0;
    nullable<long long> ended_at;
    void into(stmt& s) {
        s.into(id).into(user_id).into(description).into(created_at).into(last_seen_at).into(expires_at).into(ended_at);
    }
    session to_model() const {
        return {id, user_id, description, created_at, last_seen_at, expires_at, ended_at.get()};
    }
};

void require_user(soci::session& s, id_t user_id) {
    if (!exists(s, "users", user_id)) throw invalid_reference("user_id", "no user with id " + std::to_string(user_id));
}

void require_unused_hash(soci::session& s, const char* count_query, const std::string& token_hash) {
    long long same = 0;
    stmt(s, count_query).use(token_hash).into(same).one();
    if (same) throw conflict("token_hash", "a secret with this hash exists");
}

}  // namespace

// ---- sign-in links ------------------------------------------------------------------------------

sign_in_link sign_in_links::create(id_t user_id, const std::string& token_hash, instant expires_at) {
    require_write(w_);
    auto& s = session_of(w_);
    require_user(s, user_id);
    require_unused_hash(s, count_link_hash, token_hash);
    sign_in_link l;
    l.user_id = user_id;
    l.created_at = w_.now();
    l.expires_at = expires_at;
    stmt st(s, insert_link);
    st.use(token_hash).use(ll(user_id)).use(ll(l.created_at)).use(ll(expires_at));
    long long id = 0;
    st.into(id).one();
    l.id = id;
    return l;
}

std::optional<sign_in_link> sign_in_links::find_by_hash(const std::string& token_hash) {
    return find_one<sign_in_link, link_row>(session_of(w_), link_select, "token_hash = :h", token_hash);
}

std::optional<id_t> sign_in_links::redeem(const std::string& token_hash) {
    require_write(w_);
    const auto now = ll(w_.now());
    stmt st(session_of(w_), use_link);
    st.use(now).use(token_hash).use(now);
    long long user_id = 0;
    st.into(user_id);
    if (!st.one()) return std::nullopt;
    return user_id;
}

// ---- sign-in requests ---------------------------------------------------------------------------

void sign_in_requests::add(const std::string& email) {
    require_write(w_);
    stmt(session_of(w_), insert_request).use(unicode_lower(email)).use(ll(w_.now())).run();
}

std::vector<sign_in_request> sign_in_requests::take(int limit) {
    require_write(w_);
    auto& s = session_of(w_);
    std::vector<sign_in_request> out;
    {
        stmt st(s, is_postgresql(w_) ? select_requests_skip_locked : select_requests);
        st.use(std::max(limit, 0));
        sign_in_request r;
        long long id = 0, created_at = 0;
        st.into(id).into(r.email_key).into(created_at);
        while (st.next()) {
            r.id = id;
            r.created_at = created_at;
            out.push_back(r);
        }
    }
    for (const auto& r : out) stmt(s, delete_request).use(ll(r.id)).run();
    return out;
}

// ---- sessions -----------------------------------------------------------------------------------

session sessions::start(id_t user_id, const std::string& token_hash, const std::string& description,
                        instant expires_at) {
    require_write(w_);
    auto& s = session_of(w_);
    require_user(s, user_id);
    require_unused_hash(s, count_session_hash, token_hash);
    session out;
    out.user_id = user_id;
    out.description = description;
    out.created_at = out.last_seen_at = w_.now();
    out.expires_at = expires_at;
    stmt st(s, insert_session);
    st.use(token_hash).use(ll(user_id)).use(description).use(ll(out.created_at)).use(ll(out.last_seen_at));
    st.use(ll(expires_at));
    long long id = 0;
    st.into(id).one();
    out.id = id;
    return out;
}

std::optional<session> sessions::find_by_hash(const std::string& token_hash, instant at) {
    stmt st(session_of(w_),
            std::string(session_select) + " WHERE token_hash = :h AND ended_at IS NULL AND expires_at > :a");
    st.use(token_hash).use(ll(at));
    session_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

std::vector<session> sessions::list_of(id_t user_id, instant at, instant seen_after) {
    stmt st(session_of(w_), std::string(session_select) +
                                " WHERE user_id = :u AND ended_at IS NULL AND expires_at > :a AND last_seen_at > :s "
                                "ORDER BY id DESC");
    st.use(ll(user_id)).use(ll(at)).use(ll(seen_after));
    return all_rows<session, session_row>(st);
}

bool sessions::end(id_t user_id, id_t session_id) {
    require_write(w_);
    return stmt(session_of(w_), end_session).use(ll(w_.now())).use(ll(session_id)).use(ll(user_id)).run() > 0;
}

int sessions::end_all(id_t user_id) {
    require_write(w_);
    return static_cast<int>(stmt(session_of(w_), end_sessions).use(ll(w_.now())).use(ll(user_id)).run());
}

void sessions::record_activity(const std::vector<std::pair<id_t, instant>>& seen) {
    require_write(w_);
    auto& s = session_of(w_);
    // In id order, so that two instances recording at once lock rows in the same order.
    auto ordered = seen;
    std::sort(ordered.begin(), ordered.end());
    for (const auto& [id, at] : ordered) stmt(s, raise_last_seen).use(ll(at)).use(ll(id)).use(ll(at)).run();
}

std::pair<int, int> sessions::purge(instant idle_before) {
    require_write(w_);
    auto& s = session_of(w_);
    const auto now = ll(w_.now());
    auto gone_sessions = stmt(s, delete_dead_sessions).use(now).use(ll(idle_before)).run();
    auto gone_links = stmt(s, delete_dead_links).use(now).run();
    return {static_cast<int>(gone_sessions), static_cast<int>(gone_links)};
}

}  // namespace kal::db
