#pragma once
// For tests only: observes the database from outside without a second way into it.

#include <cstdint>

namespace kal::db::testing {

// How many SQL statements the sessions of every database object in this process have started so
// far, transaction control (BEGIN, COMMIT, ROLLBACK) and session setup included. Counted by a
// SOCI logger on each pooled session, so no statement escapes it. Compare two readings taken
// while no other thread uses a database.
std::uint64_t statements_started();

// How many transactions (BEGIN statements of any kind: one per unit of work attempt and per
// migration step) those sessions have started so far. Lets a test assert "a sign-up takes one
// transaction; a feed cache miss one snapshot".
std::uint64_t transactions_started();

}  // namespace kal::db::testing
