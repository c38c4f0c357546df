// API tokens (only hashes are stored).

#include "kal/db/api_tokens.hpp"

#include "common.hpp"
#include "rows.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* token_select =
    "SELECT id, role, name, organisation_id, user_id, created_at, revoked_at, last_used_at FROM api_tokens";
constexpr const char* count_token_hash = "SELECT COUNT(*) FROM api_tokens WHERE token_hash = :h";
constexpr const char* insert_token =
    "INSERT INTO api_tokens (role, name, organisation_id, user_id, token_hash, created_at, last_used_at) "
    "VALUES (:r, :n, :o, :u, :h, :c, :l) RETURNING id";
constexpr const char* revoke_token = "UPDATE api_tokens SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL";

struct token_row {
    long long id = 0;
    std::string role, name;
    nullable<long long> organisation_id, user_id;
    long long created_at = 0;
    nullable<long long> revoked_at;
    long long last_used_at = 0;
    void into(stmt& s) {
        s.into(id).into(role).into(name).into(organisation_id).into(user_id).into(created_at).into(revoked_at);
        s.into(last_used_at);
    }
    api_token to_model() const {
        api_token t;
        t.id = id;
        t.role = stored(parse_token_role(role), "api_tokens.role");
        t.name = name;
        t.organisation_id = organisation_id.get();
        t.user_id = user_id.get();
        t.created_at = created_at;
        t.revoked_at = revoked_at.get();
        t.last_used_at = last_used_at;
        return t;
    }
};

}  // namespace

api_token api_tokens::create(api_token t, const std::string& token_hash) {
    require_write(w_);
    auto& s = session_of(w_);
    if (t.user_id) {
        // A user's token acts with the user's rights as they are when it is used.
        if (t.organisation_id)
            throw invalid_value("organisation_id", "a user's token acts for the user's organisations, not its own");
        if (!exists(s, "users", *t.user_id))
            throw invalid_reference("user_id", "no user with id " + std::to_string(*t.user_id));
    } else if (t.role == token_role::organiser && !t.organisation_id) {
        throw invalid_reference("organisation_id", "an organiser token needs an organisation");
    }
    if (t.organisation_id) require_organisation(s, *t.organisation_id, "organisation_id");
    long long same = 0;
    stmt(s, count_token_hash).use(token_hash).into(same).one();
    if (same) throw conflict("token_hash", "a token with this hash exists");
    t.created_at = w_.now();
    t.revoked_at.reset();
    stmt st(s, insert_token);
    st.use(t.role).use(t.name).use(t.organisation_id).use(t.user_id).use(token_hash).use(ll(t.created_at));
    st.use(ll(t.last_used_at));
    long long id = 0;
    st.into(id).one();
    t.id = id;
    return t;
}

std::optional<api_token> api_tokens::find_by_hash(const std::string& token_hash) {
    // Every request with a token starts here (never cached): kept prepared like the hot reads.
    stmt st(session_of(w_), std::string(token_select) + " WHERE token_hash = :h AND revoked_at IS NULL",
            kept_statements(w_));
    st.use(token_hash);
    token_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

std::optional<api_token> api_tokens::find(id_t id) {
    return find_one<api_token, token_row>(session_of(w_), token_select, "id = :id", ll(id));
}

void api_tokens::revoke(id_t id) {
    require_write(w_);
    auto& s = session_of(w_);
    if (!exists(s, "api_tokens", id)) throw not_found("no token with id " + std::to_string(id));
    // Revoking twice keeps the first revocation time.
    stmt(s, revoke_token).use(ll(w_.now())).use(ll(id)).run();
}

std::vector<api_token> api_tokens::list() {
    stmt st(session_of(w_), std::string(token_select) + " ORDER BY id");
    return all_rows<api_token, token_row>(st);
}

std::vector<api_token> api_tokens::list_of_user(id_t user_id) {
    stmt st(session_of(w_), std::string(token_select) + " WHERE user_id = :u ORDER BY id");
    st.use(ll(user_id));
    return all_rows<api_token, token_row>(st);
}

}  // namespace kal::db
