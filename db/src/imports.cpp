// Calendars kept between the import's preview and its confirmation (imports.hpp).

#include "kal/db/imports.hpp"

#include "common.hpp"
#include "unit.hpp"

namespace kal::db {

namespace {

using namespace detail;

constexpr const char* insert_staged =
    "INSERT INTO staged_imports (token_hash, session_id, organisation_id, meeting_type, status, file_name, calendar, "
    "created_at, expires_at) VALUES (:h, :s, :o, :t, :st, :f, :c, :n, :e) RETURNING id";
constexpr const char* select_staged =
    "SELECT id, token_hash, session_id, organisation_id, meeting_type, status, file_name, calendar, created_at, "
    "expires_at FROM staged_imports WHERE token_hash = :h AND session_id = :s AND expires_at > :n";
constexpr const char* delete_staged = "DELETE FROM staged_imports WHERE id = :id";
constexpr const char* delete_expired = "DELETE FROM staged_imports WHERE expires_at <= :n";

}  // namespace

id_t staged_imports::stage(const staged_import& s) {
    require_write(w_);
    long long id = 0;
    stmt(session_of(w_), insert_staged)
        .use(s.token_hash)
        .use(ll(s.session_id))
        .use(ll(s.organisation_id))
        .use(s.meeting_type)
        .use(s.status)
        .use(s.file_name)
        .use(s.calendar)
        .use(ll(w_.now()))
        .use(ll(s.expires_at))
        .into(id)
        .one();
    return id;
}

std::optional<staged_import> staged_imports::find(const std::string& token_hash, id_t session_id, instant now) {
    staged_import out;
    long long id = 0, session = 0, organisation = 0, created = 0, expires = 0;
    stmt st(session_of(w_), select_staged);
    st.use(token_hash).use(ll(session_id)).use(ll(now));
    st.into(id).into(out.token_hash).into(session).into(organisation).into(out.meeting_type).into(out.status)
        .into(out.file_name).into(out.calendar).into(created).into(expires);
    if (!st.one()) return std::nullopt;
    out.id = id;
    out.session_id = session;
    out.organisation_id = organisation;
    out.created_at = created;
    out.expires_at = expires;
    return out;
}

bool staged_imports::remove(id_t id) {
    require_write(w_);
    return stmt(session_of(w_), delete_staged).use(ll(id)).run() > 0;
}

int staged_imports::purge() {
    require_write(w_);
    return static_cast<int>(stmt(session_of(w_), delete_expired).use(ll(w_.now())).run());
}

}  // namespace kal::db
