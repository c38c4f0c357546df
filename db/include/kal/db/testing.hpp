#pragma once
// For tests only: observes the database from outside without a second way into it.

#include <cstdint>

namespace kal::db::testing {

// How many SQL statements the sessions of every database object in this process have started so
// far, transaction control (BEGIN, COMMIT, ROLLBACK) and session setup included. Counted by a
// SOCI logger on each pooled session, so no statement escapes it. Compare two readings taken
// while no other thread uses a database.
std::uint64_t statements_started();

// How many statements the repositories have compiled (prepared) so far: a statement kept on its
// pooled connection (a hot read) counts once per connection, however often it runs.
std::uint64_t statements_prepared();
// How many statements have run so far: every execution of a kept statement, every other
// statement, and transaction control.
std::uint64_t statements_run();

// How many transactions (BEGIN statements of any kind: one per unit of work attempt and per
// migration step) those sessions have started so far. Lets a test assert "a sign-up takes one
// transaction; a feed cache miss one snapshot".
std::uint64_t transactions_started();

}  // namespace kal::db::testing
