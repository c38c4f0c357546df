#pragma once
// For tests only: observes the store from outside without a second way into the database.

#include <cstdint>

namespace kal::db::testing {

// How many SQL statements the sessions of every store in this process have started so far,
// transaction control (BEGIN, COMMIT, ROLLBACK) and session setup included. Counted by a SOCI
// logger on each pooled session, so no statement escapes it. Compare two readings taken while
// no other thread uses a store.
std::uint64_t statements_started();

}  // namespace kal::db::testing
