// Users and their memberships.

#include <unordered_map>

#include "common.hpp"
#include "kal/db/accounts.hpp"
#include "rows.hpp"
#include "sqlite_lower.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* user_select =
    "SELECT id, email, name, language, role, created_at, updated_at, last_sign_in_at, deactivated_at, erased_at "
    "FROM users";
constexpr const char* count_email_key = "SELECT COUNT(*) FROM users WHERE email_key = :k";
constexpr const char* insert_user =
    "INSERT INTO users (email, email_key, name, language, role, created_at, updated_at) "
    "VALUES (:e, :k, :n, :l, :r, :c, :u) RETURNING id";
constexpr const char* select_memberships_of =
    "SELECT organisation_id FROM memberships WHERE user_id = :u ORDER BY organisation_id";
constexpr const char* select_all_memberships =
    "SELECT m.user_id, m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id "
    "WHERE u.erased_at IS NULL ORDER BY m.user_id, m.organisation_id";
// ON CONFLICT DO NOTHING: a membership the user has stays as it was (with its first time).
constexpr const char* insert_membership =
    "INSERT INTO memberships (user_id, organisation_id, created_at) VALUES (:u, :o, :c) "
    "ON CONFLICT (user_id, organisation_id) DO NOTHING";
constexpr const char* update_role = "UPDATE users SET role = :r, updated_at = :t WHERE id = :id";
constexpr const char* set_deactivated =
    "UPDATE users SET deactivated_at = :t, updated_at = :u WHERE id = :id AND deactivated_at IS NULL";
constexpr const char* end_sessions_of_user =
    "UPDATE sessions SET ended_at = :t WHERE user_id = :u AND ended_at IS NULL";
constexpr const char* delete_unused_links_of_user = "DELETE FROM sign_in_links WHERE user_id = :u AND used_at IS NULL";
constexpr const char* revoke_tokens_of_user =
    "UPDATE api_tokens SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL";
constexpr const char* clear_deactivated =
    "UPDATE users SET deactivated_at = NULL, updated_at = :t WHERE id = :id AND erased_at IS NULL";
constexpr const char* set_last_sign_in = "UPDATE users SET last_sign_in_at = :t WHERE id = :id";

struct user_row {
    long long id = 0;
    std::string email, name, language, role;
    long long created_at = 0, updated_at = 0;
    nullable<long long> last_sign_in_at, deactivated_at, erased_at;
    void into(stmt& s) {
        s.into(id).into(email).into(name).into(language).into(role).into(created_at).into(updated_at);
        s.into(last_sign_in_at).into(deactivated_at).into(erased_at);
    }
    user to_model() const {
        user u;
        u.id = id;
        u.email = email;
        u.name = name;
        u.language = stored(parse_language(language), "users.language");
        u.role = stored(parse_user_role(role), "users.role");
        u.created_at = created_at;
        u.updated_at = updated_at;
        u.last_sign_in_at = last_sign_in_at.get();
        u.deactivated_at = deactivated_at.get();
        u.erased_at = erased_at.get();
        return u;
    }
};

std::vector<id_t> memberships_of(soci::session& s, id_t user_id) {
    std::vector<id_t> out;
    stmt st(s, select_memberships_of);
    st.use(ll(user_id));
    long long o = 0;
    st.into(o);
    while (st.next()) out.push_back(o);
    return out;
}

std::optional<user> user_where(soci::session& s, const char* where, const auto& key) {
    auto u = find_one<user, user_row>(s, user_select, where, key);
    if (u) u->organisation_ids = memberships_of(s, u->id);
    return u;
}

user existing(soci::session& s, id_t id) {
    auto u = user_where(s, "id = :id", ll(id));
    if (!u) throw not_found("no user with id " + std::to_string(id));
    return *u;
}

void insert_memberships(unit_of_work& w, id_t user_id, const std::vector<id_t>& organisation_ids) {
    auto& s = session_of(w);
    for (id_t o : sorted_unique(organisation_ids)) {
        require_organisation(s, o, "organisation_ids");
        stmt(s, insert_membership).use(ll(user_id)).use(ll(o)).use(ll(w.now())).run();
    }
}

}  // namespace

user users::create(user u) {
    require_write(w_);
    auto& s = session_of(w_);
    if (u.email.empty()) throw invalid_value("email", "a user needs an e-mail address");
    const auto key = unicode_lower(u.email);
    long long same = 0;
    stmt(s, count_email_key).use(key).into(same).one();
    if (same) throw conflict("email", "an account with this e-mail address exists");
    u.created_at = u.updated_at = w_.now();
    u.last_sign_in_at.reset();
    u.deactivated_at.reset();
    u.erased_at.reset();
    stmt st(s, insert_user);
    st.use(u.email).use(key).use(u.name).use(u.language).use(u.role).use(ll(u.created_at)).use(ll(u.updated_at));
    long long id = 0;
    st.into(id).one();
    u.id = id;
    insert_memberships(w_, u.id, u.organisation_ids);
    u.organisation_ids = memberships_of(s, u.id);
    return u;
}

std::optional<user> users::find(id_t id) { return user_where(session_of(w_), "id = :id", ll(id)); }

std::optional<user> users::find_by_email(const std::string& email) {
    return user_where(session_of(w_), "email_key = :k AND erased_at IS NULL", unicode_lower(email));
}

std::vector<user> users::list() {
    auto& s = session_of(w_);
    std::vector<user> out;
    {
        stmt st(s, std::string(user_select) + " WHERE erased_at IS NULL ORDER BY id");
        out = all_rows<user, user_row>(st);
    }
    std::unordered_map<id_t, user*> by_id;
    for (auto& u : out) by_id[u.id] = &u;
    stmt st(s, select_all_memberships);
    long long u = 0, o = 0;
    st.into(u).into(o);
    while (st.next())
        if (auto it = by_id.find(u); it != by_id.end()) it->second->organisation_ids.push_back(o);
    return out;
}

user users::add_memberships(id_t id, const std::vector<id_t>& organisation_ids) {
    require_write(w_);
    auto& s = session_of(w_);
    existing(s, id);
    insert_memberships(w_, id, organisation_ids);
    return existing(s, id);
}

user users::set_role(id_t id, user_role role) {
    require_write(w_);
    auto& s = session_of(w_);
    existing(s, id);
    stmt(s, update_role).use(role).use(ll(w_.now())).use(ll(id)).run();
    return existing(s, id);
}

user users::deactivate(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    existing(s, id);
    const auto now = ll(w_.now());
    stmt(s, set_deactivated).use(now).use(now).use(ll(id)).run();
    stmt(s, end_sessions_of_user).use(now).use(ll(id)).run();
    stmt(s, delete_unused_links_of_user).use(ll(id)).run();
    stmt(s, revoke_tokens_of_user).use(now).use(ll(id)).run();
    return existing(s, id);
}

user users::reactivate(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    existing(s, id);
    stmt(s, clear_deactivated).use(ll(w_.now())).use(ll(id)).run();
    return existing(s, id);
}

void users::record_sign_in(id_t id) {
    require_write(w_);
    stmt(session_of(w_), set_last_sign_in).use(ll(w_.now())).use(ll(id)).run();
}

}  // namespace kal::db
