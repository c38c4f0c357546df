#pragma once
// What a unit of work is inside db/: the leased SOCI session and the unit's flags. Repositories
// reach the session through here; the public header keeps SOCI out.

#include <soci/soci.h>

#include "kal/db/database.hpp"
#include "sql.hpp"

namespace kal::db::detail {

enum class unit_access { read, snapshot, write };

struct unit_state {
    soci::session& session;
    bool postgresql = false;
    unit_access access = unit_access::read;
    instant now = 0;
    bool feeds_changed = false;
    // Set by a repository that generated a value that must be unique (a slug): a unique violation
    // then retries the unit instead of failing it (database::write).
    bool retry_on_unique = false;
    // The statements kept prepared on this session.
    statement_cache* statements = nullptr;

    static unit_state& of(unit_of_work& w) { return *w.state_; }
};

inline soci::session& session_of(unit_of_work& w) { return unit_state::of(w).session; }
inline bool is_postgresql(unit_of_work& w) { return unit_state::of(w).postgresql; }
// Where a hot read keeps its statement: stmt(session_of(w), sql, kept_statements(w)).
inline statement_cache* kept_statements(unit_of_work& w) { return unit_state::of(w).statements; }

// Repositories call this first in every write: a write in a read unit is a programming error
// (on PostgreSQL it would also run outside the isolation the caller chose).
void require_write(unit_of_work& w);
// feeds::load calls this: its statements must see one state of the database.
void require_snapshot(unit_of_work& w);

}  // namespace kal::db::detail
